import type { OperationOutcome } from 'fhir/r4';
import {
  type IssuedCertificate,
  createRootCa,
  issueCertificate,
  psSubject,
} from '@passerelle/platform';
import { type AssertionAttributes, mintAssertion, vihfClaims } from '@passerelle/testing';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Agent } from 'undici';
import { TestGateway, startTestGateway } from './support/test-gateway';

const DOCTOR_ID = '810000000017';

const direct = (attributes: Partial<AssertionAttributes> = {}) =>
  vihfClaims({ sub: DOCTOR_ID, roles: ['10', 'SM26'], mode: 'DIRECTE', ...attributes });

describe('access assertion (Authorization: Bearer JWS) over mutual TLS', () => {
  let gateway: TestGateway;
  let doctor: IssuedCertificate;
  let pharmacist: IssuedCertificate;
  let hospital: IssuedCertificate;

  beforeAll(async () => {
    gateway = await startTestGateway();
    doctor = personaFiles('medecin-generaliste');
    pharmacist = personaFiles('pharmacien');
    hospital = personaFiles('hopital-org');
  });

  afterAll(() => gateway.close());

  function personaFiles(name: string): IssuedCertificate {
    const files = gateway.pki.personas[name];
    return {
      certPem: readFileSync(files.certPath, 'utf8'),
      keyPem: readFileSync(files.keyPath, 'utf8'),
    };
  }

  async function metadata(dispatcher: Agent, authorization?: string) {
    const response = await fetch(`${gateway.fhirUrl}/metadata`, {
      headers: authorization === undefined ? {} : { authorization },
      dispatcher,
    } as unknown as RequestInit);
    return { status: response.status, body: await response.text() };
  }

  async function refusal(persona: string, authorization: string): Promise<string> {
    const { status, body } = await metadata(gateway.agent(persona), authorization);
    expect(status).toBe(401);
    const outcome = JSON.parse(body) as OperationOutcome;
    expect(outcome.resourceType).toBe('OperationOutcome');
    return outcome.issue[0].diagnostics ?? '';
  }

  const bearer = async (request: Parameters<typeof mintAssertion>[0]) =>
    `Bearer ${await mintAssertion(request)}`;

  it('lets the médecin in with a DIRECTE assertion signed with her card', async () => {
    const authorization = await bearer({ signer: doctor, claims: direct() });

    expect((await metadata(gateway.agent('medecin-generaliste'), authorization)).status).toBe(200);
  });

  it('lets the hospital system in with an INDIRECTE assertion signed with its own key', async () => {
    const authorization = await bearer({
      signer: hospital,
      claims: vihfClaims({ sub: DOCTOR_ID, roles: ['AUTOMATE'], mode: 'INDIRECTE' }),
    });

    expect((await metadata(gateway.agent('hopital-org'), authorization)).status).toBe(200);
  });

  it('verifies the assertion of every request, not once per connection', async () => {
    const connection = gateway.agent('medecin-generaliste');
    const valid = await bearer({ signer: doctor, claims: direct() });
    const wrongSub = await bearer({ signer: doctor, claims: direct({ sub: '810000000025' }) });

    expect((await metadata(connection, valid)).status).toBe(200);
    expect((await metadata(connection, wrongSub)).status).toBe(401);
    expect((await metadata(connection)).status).toBe(200);
  });

  it('refuses a tampered signature', async () => {
    const [header, payload, signature] = (
      await mintAssertion({ signer: doctor, claims: direct() })
    ).split('.');
    const bytes = Buffer.from(signature, 'base64url');
    bytes[0] ^= 0x01;
    const tampered = `Bearer ${header}.${payload}.${bytes.toString('base64url')}`;

    expect(await refusal('medecin-generaliste', tampered)).toMatch(/signature does not verify/);
  });

  it('refuses an expired assertion', async () => {
    const authorization = await bearer({
      signer: doctor,
      claims: direct(),
      issuedAt: new Date(Date.now() - 3600_000),
      expiresIn: 600,
    });

    expect(await refusal('medecin-generaliste', authorization)).toMatch(/expired/);
  });

  it('refuses an assertion for another professional', async () => {
    const authorization = await bearer({ signer: doctor, claims: direct({ sub: '810000000025' }) });

    expect(await refusal('medecin-generaliste', authorization)).toMatch(/sub 810000000025/);
  });

  it('refuses an assertion signed by a key other than its x5c certificate', async () => {
    const authorization = await bearer({
      signer: pharmacist,
      claims: direct(),
      headerOverrides: { x5c: [new X509Certificate(doctor.certPem).raw.toString('base64')] },
    });

    expect(await refusal('medecin-generaliste', authorization)).toMatch(/signature/);
  });

  it('refuses an assertion signed by a certificate of a foreign CA', async () => {
    const impostor = issueCertificate(createRootCa('Passerelle Dev CA (NOT FOR PRODUCTION)'), {
      subject: psSubject({
        idNat: DOCTOR_ID,
        family: 'MARTIN',
        given: 'Jeanne',
        professionLabel: 'Médecin',
      }),
      kind: 'client',
    });
    const authorization = await bearer({ signer: impostor, claims: direct() });

    expect(await refusal('medecin-generaliste', authorization)).toMatch(/trusted CA/);
  });

  it('refuses bris_de_glace without a reason', async () => {
    const authorization = await bearer({
      signer: doctor,
      claims: direct({ purposeOfUse: 'bris_de_glace' }),
    });

    expect(await refusal('medecin-generaliste', authorization)).toMatch(/Mode_Acces_Raison/);
  });

  it('refuses an INDIRECTE assertion over a PS certificate', async () => {
    const authorization = await bearer({ signer: doctor, claims: direct({ mode: 'INDIRECTE' }) });

    expect(await refusal('medecin-generaliste', authorization)).toMatch(
      /INDIRECTE mode needs an ORG client certificate/,
    );
  });

  it.each([
    ['another scheme', 'Basic bWFydGluOnNlY3JldA=='],
    ['an empty Bearer', 'Bearer '],
    ['an empty header', ''],
  ])('refuses an Authorization header with %s', async (_name, authorization) => {
    expect(await refusal('medecin-generaliste', authorization)).toMatch(/Bearer/);
  });
});
