import type { OperationOutcome } from 'fhir/r4';
import {
  type IssuedCertificate,
  createRootCa,
  issueCertificate,
  issueCrl,
  orgSubject,
} from '@passerelle/platform';
import {
  freshXdsPatient,
  mintAssertion,
  mintSamlAssertion,
  plainSoap,
  soapRequestEnvelope,
  vihfClaims,
} from '@passerelle/testing';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { TestGateway, startTestGateway } from './support/test-gateway';
import { ACTIONS, findDocumentsQuery } from './support/xds-fixtures';

const DOCTOR_ID = '810000000017';

describe('access assertion signed by a revoked certificate (CRL_FILES)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-revocation-'));
  const patient = freshXdsPatient();
  const attributes = {
    sub: DOCTOR_ID,
    roles: ['AUTOMATE'],
    mode: 'INDIRECTE' as const,
    patientId: patient.cx,
  };
  let ca: IssuedCertificate;
  let revokedSigner: IssuedCertificate;
  let signer: IssuedCertificate;
  let gateway: TestGateway;
  let hospital: Agent;

  beforeAll(async () => {
    ca = createRootCa('IGC-Santé revocation test root');
    const organisation = (serviceName: string) =>
      issueCertificate(ca, {
        subject: orgSubject({
          serviceName,
          structureId: '1750000003',
          organisationName: 'CH de Test',
        }),
        kind: 'client',
      });
    const tlsClient = organisation('Passerelle DPI');
    revokedSigner = organisation('Signature VIHF (révoquée)');
    signer = organisation('Signature VIHF');
    const server = issueCertificate(ca, {
      subject: [[{ type: 'CN', value: 'localhost' }]],
      kind: 'server',
      dnsNames: ['localhost'],
    });
    const write = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    const revokedSerial = new X509Certificate(revokedSigner.certPem).serialNumber;
    gateway = await startTestGateway({
      TLS_CERT: write('server.pem', server.certPem),
      TLS_KEY: write('server-key.pem', server.keyPem),
      TRUSTED_CA: write('ca.pem', ca.certPem),
      CRL_FILES: write('ca.crl', issueCrl(ca, [revokedSerial])),
    });
    hospital = new Agent({
      connect: { ca: ca.certPem, cert: tlsClient.certPem, key: tlsClient.keyPem },
    });
  });

  afterAll(async () => {
    await hospital.close();
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function searchWith(assertionSigner: IssuedCertificate) {
    const token = await mintAssertion({ signer: assertionSigner, claims: vihfClaims(attributes) });
    const query = `patient.identifier=${encodeURIComponent(patient.token)}`;
    const response = await request(`${gateway.fhirUrl}/DocumentReference?${query}`, {
      headers: { authorization: `Bearer ${token}` },
      dispatcher: hospital,
    });
    return { status: response.statusCode, body: await response.body.text() };
  }

  async function storedQueryWith(assertionSigner: IssuedCertificate) {
    const body = findDocumentsQuery(patient.cx).body.toString();
    const inner = body.slice(
      body.indexOf('<query:AdhocQueryRequest'),
      body.indexOf('</soap:Body>'),
    );
    const security = mintSamlAssertion({ signer: assertionSigner, attributes });
    const message = plainSoap(
      soapRequestEnvelope(ACTIONS.storedQuery, inner, { security }),
      ACTIONS.storedQuery,
    );
    const response = await request(`${gateway.baseUrl}/xds/registry`, {
      method: 'POST',
      headers: { 'content-type': message.contentType },
      body: message.body,
      dispatcher: hospital,
    });
    return { status: response.statusCode, body: await response.body.text() };
  }

  it('refuses the JWS of a revoked ORG signing certificate with 401 and an OperationOutcome', async () => {
    const { status, body } = await searchWith(revokedSigner);

    expect(status).toBe(401);
    const outcome = JSON.parse(body) as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0].diagnostics).toMatch(/its signing certificate has been revoked/);
  });

  it('accepts the same JWS signed by a signing certificate of the structure not revoked', async () => {
    expect((await searchWith(signer)).status).not.toBe(401);
  });

  it('refuses the SAML assertion of a revoked signing certificate with 401 and a SOAP fault', async () => {
    const { status, body } = await storedQueryWith(revokedSigner);

    expect(status).toBe(401);
    expect(body).toMatch(/<(\w+:)?Fault>/);
    expect(body).toContain('sub:FailedAuthentication');
    expect(body).toContain('its signing certificate has been revoked');
  });

  it('accepts the SAML assertion of a signing certificate not revoked', async () => {
    expect((await storedQueryWith(signer)).status).not.toBe(401);
  });
});
