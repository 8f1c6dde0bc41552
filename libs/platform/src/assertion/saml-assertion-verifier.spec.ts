import { DomainError } from '@passerelle/domain';
import { mintSamlAssertion } from '@passerelle/testing';
import { X509Certificate } from 'node:crypto';
import { createRootCa, issueCertificate, principalFromCertificate, psSubject } from '../pki';
import { SamlAssertionVerifier } from './saml-assertion-verifier';

const PATIENT_INS = '185037512345678^^^&1.2.250.1.213.1.4.10&ISO';
const ca = createRootCa('SAML Test CA');
const doctor = issueCertificate(ca, {
  subject: psSubject({
    idNat: '810000000017',
    family: 'MARTIN',
    given: 'Jeanne',
    professionLabel: 'Médecin',
  }),
  kind: 'client',
});
const presenter = principalFromCertificate(new X509Certificate(doctor.certPem));

const SHA1 = {
  signatureAlgorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  digestAlgorithm: 'http://www.w3.org/2000/09/xmldsig#sha1',
};

function envelope(algorithms: Partial<typeof SHA1> = {}): string {
  const assertion = mintSamlAssertion({
    signer: doctor,
    attributes: { sub: '810000000017', roles: ['10'], mode: 'DIRECTE', patientId: PATIENT_INS },
    ...algorithms,
  });
  return (
    '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Header>' +
    '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">' +
    `${assertion}</wsse:Security></soap:Header><soap:Body/></soap:Envelope>`
  );
}

function refusalOf(verify: () => unknown): string {
  try {
    verify();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'UNAUTHENTICATED') return error.message;
    throw error;
  }
  throw new Error('expected the assertion to be refused');
}

describe('SamlAssertionVerifier: the SHA-1 policy (ASSERTION_SHA1)', () => {
  const trusted = [new X509Certificate(ca.certPem)];

  it('accepts SHA-256 under either policy, without marking the principal', () => {
    for (const policy of ['refuse', 'accept-and-audit'] as const) {
      const principal = new SamlAssertionVerifier(trusted, [], policy).verify(
        envelope(),
        presenter,
      );
      expect(principal.patientId).toBe(PATIENT_INS);
      expect(principal.assertion?.digest).toBeUndefined();
    }
  });

  it('refuses an RSA-SHA1 assertion by default, naming the setting', () => {
    const verifier = new SamlAssertionVerifier(trusted, []);
    expect(refusalOf(() => verifier.verify(envelope(SHA1), presenter))).toContain(
      'SHA-1) is not accepted (ASSERTION_SHA1=refuse)',
    );
  });

  it('refuses a SHA-1 digest under a SHA-256 signature the same way', () => {
    const verifier = new SamlAssertionVerifier(trusted, [], 'refuse');
    const mixed = envelope({ digestAlgorithm: SHA1.digestAlgorithm });
    expect(refusalOf(() => verifier.verify(mixed, presenter))).toContain('digest algorithm');
  });

  it('accepts it under accept-and-audit and marks the principal for the audit trail', () => {
    const verifier = new SamlAssertionVerifier(trusted, [], 'accept-and-audit');
    const principal = verifier.verify(envelope(SHA1), presenter);
    expect(principal.assertion?.digest).toBe('SHA-1');
    expect(principal.patientId).toBe(PATIENT_INS);
  });

  it('still checks the signature of a SHA-1 assertion it accepts', () => {
    const verifier = new SamlAssertionVerifier(trusted, [], 'accept-and-audit');
    const tampered = envelope(SHA1).replace('>DIRECTE<', '>INDIRECTE<');
    expect(refusalOf(() => verifier.verify(tampered, presenter))).toContain('signature');
  });

  it('refuses other algorithms whatever the policy', () => {
    const verifier = new SamlAssertionVerifier(trusted, [], 'accept-and-audit');
    const sha512 = envelope({ digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha512' });
    expect(refusalOf(() => verifier.verify(sha512, presenter))).toMatch(
      /its digest algorithm http:\/\/www.w3.org\/2001\/04\/xmlenc#sha512 is not accepted$/,
    );
  });
});
