import { DomainError, type CertifiedPrincipal } from '@passerelle/domain';
import {
  type AssertionAttributes,
  issueEcCertificate,
  issueIntermediateCa,
  mintAssertion,
  vihfClaims,
} from '@passerelle/testing';
import { CompactSign, UnsecuredJWT, decodeProtectedHeader } from 'jose';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import {
  type IssuedCertificate,
  createRootCa,
  issueCertificate,
  orgSubject,
  principalFromCertificate,
  psSubject,
} from '../pki';
import { AssertionVerifier } from './assertion-verifier';

const HOUR_MS = 3600_000;
const DOCTOR_ID = '810000000017';
const HOSPITAL_ID = '1750000000';
const PATIENT_INS = '185037512345678^^^&1.2.250.1.213.1.4.10&ISO';

const doctorSubject = psSubject({
  idNat: DOCTOR_ID,
  family: 'MARTIN',
  given: 'Jeanne',
  professionLabel: 'Médecin',
});
const hospitalSubject = (serviceName: string, structureId = HOSPITAL_ID) =>
  orgSubject({ serviceName, structureId, organisationName: 'CH de Test' });

const ca = createRootCa('Assertion Test CA');
const client = (subject: Parameters<typeof issueCertificate>[1]['subject']) =>
  issueCertificate(ca, { subject, kind: 'client' });
const doctor = client(doctorSubject);
const doctorSecondCard = client(doctorSubject);
const nurse = client(
  psSubject({
    idNat: '0759912345',
    family: 'PETIT',
    given: 'Claire',
    professionLabel: 'Infirmier',
  }),
);
const hospital = client(hospitalSubject('Service Imagerie'));
const hospitalSigning = client(hospitalSubject('Signature'));
const otherHospital = client(hospitalSubject('Laboratoire', '1690000000'));
const foreignDoctor = issueCertificate(createRootCa('Assertion Test CA'), {
  subject: doctorSubject,
  kind: 'client',
});

const verifier = new AssertionVerifier([new X509Certificate(ca.certPem)]);

const presenterOf = (issued: IssuedCertificate): CertifiedPrincipal =>
  principalFromCertificate(new X509Certificate(issued.certPem));

const direct = (attributes: Partial<AssertionAttributes> = {}) =>
  vihfClaims({ sub: DOCTOR_ID, roles: ['10', 'SM26'], mode: 'DIRECTE', ...attributes });

const indirect = (attributes: Partial<AssertionAttributes> = {}) =>
  vihfClaims({ sub: DOCTOR_ID, roles: ['AUTOMATE'], mode: 'INDIRECTE', ...attributes });

/** A DIRECTE assertion of the doctor, signed with the doctor's key, presented by the doctor. */
const doctorPresents = async (request: Partial<Parameters<typeof mintAssertion>[0]> = {}) =>
  verifier.verify(
    await mintAssertion({ signer: doctor, claims: direct(), ...request }),
    presenterOf(doctor),
  );

async function refusalOf(verification: Promise<unknown>): Promise<string> {
  try {
    await verification;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'UNAUTHENTICATED') return error.message;
    throw error;
  }
  throw new Error('expected the assertion to be refused');
}

describe('AssertionVerifier', () => {
  describe('accepts', () => {
    it('a DIRECTE assertion signed with the PS certificate, enriching its principal', async () => {
      const now = new Date();
      const token = await mintAssertion({
        signer: doctor,
        issuedAt: now,
        claims: {
          ...direct({
            structureId: '1750000000',
            sectorCode: 'SA07',
            patientId: PATIENT_INS,
            softwareName: 'Cabinet+',
            softwareVersion: '4.2',
          }),
          iss: 'cabinet-plus',
          jti: 'assertion-1',
        },
      });

      expect(await verifier.verify(token, presenterOf(doctor), now)).toEqual({
        ...presenterOf(doctor),
        authenticationMode: 'DIRECTE',
        purposeOfUse: 'normal',
        roles: ['10', 'SM26'],
        structureId: '1750000000',
        sectorCode: 'SA07',
        patientId: PATIENT_INS,
        software: { name: 'Cabinet+', version: '4.2' },
        assertion: {
          id: 'assertion-1',
          issuer: 'cabinet-plus',
          signerSubject: new X509Certificate(doctor.certPem).subject,
          expiresAt: new Date(Math.floor(now.getTime() / 1000) * 1000 + 600_000),
        },
      });
    });

    it('an ES256 assertion signed with an EC certificate', async () => {
      const ecDoctor = issueEcCertificate(ca, { subject: doctorSubject, kind: 'client' });
      const token = await mintAssertion({ signer: ecDoctor, claims: direct() });

      expect(decodeProtectedHeader(token).alg).toBe('ES256');
      expect(await verifier.verify(token, presenterOf(ecDoctor))).toMatchObject({
        subjectId: DOCTOR_ID,
        authenticationMode: 'DIRECTE',
      });
    });

    it('bris_de_glace with its reason', async () => {
      const principal = await doctorPresents({
        claims: direct({ purposeOfUse: 'bris_de_glace', accessReason: 'Patient inconscient' }),
      });

      expect(principal).toMatchObject({
        purposeOfUse: 'bris_de_glace',
        accessReason: 'Patient inconscient',
      });
    });

    it('centre_15 without a reason', async () => {
      const principal = await doctorPresents({ claims: direct({ purposeOfUse: 'centre_15' }) });

      expect(principal.purposeOfUse).toBe('centre_15');
    });

    it('no purpose of use as normal', async () => {
      expect((await doctorPresents()).purposeOfUse).toBe('normal');
    });

    it('a signer whose chain goes through an intermediate CA sent in x5c', async () => {
      const intermediate = issueIntermediateCa(ca, 'Assertion Test Intermediate');
      const hospitalUnderIntermediate = issueCertificate(intermediate, {
        subject: hospitalSubject('Service Imagerie'),
        kind: 'client',
      });
      const token = await mintAssertion({
        signer: hospitalUnderIntermediate,
        chain: [intermediate.certPem],
        claims: indirect(),
      });

      expect(await verifier.verify(token, presenterOf(hospital))).toMatchObject({ kind: 'ORG' });
    });

    it('an expiry and an issue time within the clock skew', async () => {
      const expiredJustNow = await doctorPresents({
        issuedAt: new Date(Date.now() - 630_000),
        expiresIn: 600,
      });
      const issuedJustAhead = await doctorPresents({ issuedAt: new Date(Date.now() + 30_000) });

      expect(expiredJustNow.kind).toBe('PS');
      expect(issuedJustAhead.kind).toBe('PS');
    });

    describe('for an ORG certificate', () => {
      it('an INDIRECTE assertion signed by the same certificate, naming the person', async () => {
        const token = await mintAssertion({ signer: hospital, claims: indirect() });

        expect(await verifier.verify(token, presenterOf(hospital))).toMatchObject({
          kind: 'ORG',
          subjectId: HOSPITAL_ID,
          structureId: HOSPITAL_ID,
          authenticationMode: 'INDIRECTE',
          roles: ['AUTOMATE'],
          responsibleSubjectId: DOCTOR_ID,
        });
      });

      it('an INDIRECTE_RENFORCEE assertion signed by another ORG certificate of the structure', async () => {
        const token = await mintAssertion({
          signer: hospitalSigning,
          claims: indirect({
            mode: 'INDIRECTE_RENFORCEE',
            roles: ['10', 'SM26'],
            structureId: HOSPITAL_ID,
          }),
        });

        expect(await verifier.verify(token, presenterOf(hospital))).toMatchObject({
          authenticationMode: 'INDIRECTE_RENFORCEE',
          responsibleSubjectId: DOCTOR_ID,
        });
      });
    });
  });

  describe('refuses', () => {
    it.each([
      ['no JWS at all', 'not-a-token', /not a compact JWS/],
      ['a JWE-like five-part token', 'a.b.c.d.e', /not a compact JWS/],
      ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln', /protected header/],
    ])('%s', async (_name, token, reason) => {
      expect(await refusalOf(verifier.verify(token, presenterOf(doctor)))).toMatch(reason);
    });

    it('an unsigned token (alg none)', async () => {
      const token = new UnsecuredJWT(direct()).setIssuedAt().setExpirationTime('5m').encode();

      expect(await refusalOf(verifier.verify(token, presenterOf(doctor)))).toMatch(
        /alg none is not accepted/,
      );
    });

    it('an HMAC token keyed with the public certificate (algorithm confusion)', async () => {
      const token = await new CompactSign(Buffer.from(JSON.stringify(direct())))
        .setProtectedHeader({ alg: 'HS256', x5c: [derBase64(doctor)] })
        .sign(Buffer.from(doctor.certPem));

      expect(await refusalOf(verifier.verify(token, presenterOf(doctor)))).toMatch(
        /alg HS256 is not accepted/,
      );
    });

    it('an algorithm other than RS256 and ES256, even with the right key (PS256)', async () => {
      expect(await refusalOf(doctorPresents({ alg: 'PS256' }))).toMatch(/alg PS256/);
    });

    it('an alg header that does not fit the key (ES256 over an RSA key)', async () => {
      const token = await mintAssertion({ signer: doctor, claims: direct() });
      const [, payload, signature] = token.split('.');
      const header = base64url({ alg: 'ES256', x5c: [derBase64(doctor)] });

      expect(
        await refusalOf(verifier.verify(`${header}.${payload}.${signature}`, presenterOf(doctor))),
      ).toMatch(/cannot be verified/);
    });

    it('a tampered payload', async () => {
      const token = await mintAssertion({ signer: doctor, claims: direct() });
      const [header, , signature] = token.split('.');
      const forged = base64url({ ...direct({ purposeOfUse: 'centre_15' }), iat: 1, exp: 2 });

      expect(
        await refusalOf(verifier.verify(`${header}.${forged}.${signature}`, presenterOf(doctor))),
      ).toMatch(/signature does not verify/);
    });

    it('a tampered signature', async () => {
      const token = await mintAssertion({ signer: doctor, claims: direct() });

      expect(await refusalOf(verifier.verify(flipLastByte(token), presenterOf(doctor)))).toMatch(
        /signature does not verify/,
      );
    });

    it('a token signed by a key that is not the x5c certificate', async () => {
      const token = await mintAssertion({
        signer: nurse,
        claims: direct(),
        headerOverrides: { x5c: [derBase64(doctor)] },
      });

      expect(await refusalOf(verifier.verify(token, presenterOf(doctor)))).toMatch(
        /signature does not verify/,
      );
    });

    it.each([
      ['no x5c', { x5c: undefined }, /x5c header must list/],
      ['an empty x5c', { x5c: [] }, /x5c header must list/],
      ['an x5c of six certificates', { x5c: Array(6).fill('AAAA') }, /x5c header must list/],
      ['an x5c that is not base64', { x5c: ['not base64!'] }, /base64 DER/],
      ['an x5c that is not a certificate', { x5c: ['AAAA'] }, /not a DER certificate/],
    ])('%s', async (_name, headerOverrides, reason) => {
      expect(await refusalOf(doctorPresents({ headerOverrides }))).toMatch(reason);
    });

    it('an x5c leaf of a foreign CA', async () => {
      const token = await mintAssertion({ signer: foreignDoctor, claims: direct() });

      expect(await refusalOf(verifier.verify(token, presenterOf(foreignDoctor)))).toMatch(
        /does not lead to a trusted CA/,
      );
    });

    it('a token signed by the CA itself', async () => {
      expect(await refusalOf(doctorPresents({ signer: ca }))).toMatch(/is a CA certificate/);
    });

    it('a signer whose certificate has expired', async () => {
      const expired = issueCertificate(ca, {
        subject: doctorSubject,
        kind: 'client',
        notBefore: new Date(Date.now() - 48 * HOUR_MS),
        notAfter: new Date(Date.now() - HOUR_MS),
      });
      const token = await mintAssertion({ signer: expired, claims: direct() });

      expect(await refusalOf(verifier.verify(token, presenterOf(expired)))).toMatch(
        /chain is not valid now/,
      );
    });

    describe('a validity window', () => {
      it.each([
        ['expired beyond the clock skew', { issuedAt: ago(HOUR_MS), expiresIn: 600 }, /expired/],
        ['issued in the future', { issuedAt: new Date(Date.now() + 120_000) }, /in the future/],
        ['longer than 12 hours', { expiresIn: 12 * 3600 + 1 }, /exceeds 12 hours/],
        ['ending before it starts', { expiresIn: 0 }, /exp is not after iat/],
      ])('%s', async (_name, request, reason) => {
        expect(await refusalOf(doctorPresents(request))).toMatch(reason);
      });

      it('not yet valid (nbf)', async () => {
        const nbf = Math.floor(Date.now() / 1000) + 300;

        expect(await refusalOf(doctorPresents({ claims: { ...direct(), nbf } }))).toMatch(
          /not valid before .* \(nbf\)/,
        );
      });
    });

    it.each([
      ['jti', /jti is required/],
      ['iss', /iss is required/],
      ['sub', /sub is required/],
      ['iat', /iat is required/],
      ['exp', /exp is required/],
      ['Authentification_Mode', /Authentification_Mode is required/],
      ['urn:oasis:names:tc:xacml:2.0:subject:role', /non-empty array of role codes/],
    ])('a token without %s', async (claim, reason) => {
      expect(
        await refusalOf(doctorPresents({ claims: { ...direct(), [claim]: undefined } })),
      ).toMatch(reason);
    });

    it.each([
      ['exp as a string', { exp: '2030-01-01' }, /exp is not a NumericDate/],
      ['an empty role list', direct({ roles: [] }), /non-empty array/],
      ['a role that is not a string', direct({ roles: ['10', 26] as never }), /role must be/],
      ['an unknown purpose of use', direct({ purposeOfUse: 'urgence' }), /urgence is not one of/],
      ['an upper-case purpose of use', direct({ purposeOfUse: 'NORMAL' }), /NORMAL is not one/],
      ['bris_de_glace without reason', direct({ purposeOfUse: 'bris_de_glace' }), /requires/],
      [
        'bris_de_glace with a blank reason',
        direct({ purposeOfUse: 'bris_de_glace', accessReason: '  ' }),
        /Mode_Acces_Raison must be a non-empty string/,
      ],
      ['an unknown mode', direct({ mode: 'DIRECT' as never }), /DIRECT is not one of/],
      ['a control character', direct({ patientId: 'x\ny' }), /without control characters/],
    ])('%s', async (_name, claims, reason) => {
      expect(await refusalOf(doctorPresents({ claims: { ...direct(), ...claims } }))).toMatch(
        reason,
      );
    });

    it('a payload that is not a JSON object', async () => {
      const token = await new CompactSign(Buffer.from('[1,2]'))
        .setProtectedHeader({ alg: 'RS256', x5c: [derBase64(doctor)] })
        .sign(createPrivateKey(doctor.keyPem));

      expect(await refusalOf(verifier.verify(token, presenterOf(doctor)))).toMatch(
        /not a JSON object/,
      );
    });

    describe('in DIRECTE mode', () => {
      it('an ORG client certificate', async () => {
        const token = await mintAssertion({ signer: hospital, claims: direct() });

        expect(await refusalOf(verifier.verify(token, presenterOf(hospital)))).toMatch(
          /DIRECTE mode needs a PS client certificate/,
        );
      });

      it("a signature by another of the professional's certificates", async () => {
        expect(await refusalOf(doctorPresents({ signer: doctorSecondCard }))).toMatch(
          /must be signed with the TLS client certificate/,
        );
      });

      it('a sub other than the certificate idNat_PS', async () => {
        expect(
          await refusalOf(doctorPresents({ claims: direct({ sub: '810000000025' }) })),
        ).toMatch(/sub 810000000025 is not the certificate's idNat_PS/);
      });

      it("a profession role that contradicts the certificate's", async () => {
        const token = await mintAssertion({
          signer: nurse,
          claims: direct({ sub: '0759912345', roles: ['10', 'SM26'] }),
        });

        expect(await refusalOf(verifier.verify(token, presenterOf(nurse)))).toMatch(
          /role 10 contradicts/,
        );
      });
    });

    describe('in INDIRECTE mode', () => {
      it('a PS client certificate', async () => {
        expect(await refusalOf(doctorPresents({ claims: indirect() }))).toMatch(
          /INDIRECTE mode needs an ORG client certificate/,
        );
      });

      it('an assertion signed by a PS certificate', async () => {
        const token = await mintAssertion({ signer: doctor, claims: indirect() });

        expect(await refusalOf(verifier.verify(token, presenterOf(hospital)))).toMatch(
          /must be signed by an ORG certificate/,
        );
      });

      it('an assertion signed by the ORG certificate of another structure', async () => {
        const token = await mintAssertion({ signer: otherHospital, claims: indirect() });

        expect(await refusalOf(verifier.verify(token, presenterOf(hospital)))).toMatch(
          /signed for structure 1690000000/,
        );
      });

      it('an Identifiant_Structure other than the certificate structure', async () => {
        const token = await mintAssertion({
          signer: hospital,
          claims: indirect({ structureId: '1690000000' }),
        });

        expect(await refusalOf(verifier.verify(token, presenterOf(hospital)))).toMatch(
          /Identifiant_Structure 1690000000/,
        );
      });
    });
  });
});

function ago(milliseconds: number): Date {
  return new Date(Date.now() - milliseconds);
}

function derBase64(issued: IssuedCertificate): string {
  return new X509Certificate(issued.certPem).raw.toString('base64');
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function flipLastByte(token: string): string {
  const [header, payload, signature] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[bytes.length - 1] ^= 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}
