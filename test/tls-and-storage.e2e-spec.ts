import type { Bundle, DocumentReference } from 'fhir/r4';
import {
  IssuedCertificate,
  createRootCa,
  issueCertificate,
  issueCrl,
  orgSubject,
  psSubject,
} from '@passerelle/platform';
import { freshPatient, provideBundle } from '@passerelle/testing';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Agent } from 'undici';
import { BuiltGateway, startBuiltGateway } from './support/built-gateway';
import { TestGateway, startTestGateway } from './support/test-gateway';

const doctor = psSubject({
  idNat: '810000000017',
  family: 'MARTIN',
  given: 'Jeanne',
  professionLabel: 'Médecin',
});

async function statusWith(url: string, client: IssuedCertificate | undefined, ca: string) {
  const dispatcher = new Agent({
    connect: { ca, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) },
  });
  try {
    const response = await fetch(url, { dispatcher } as unknown as RequestInit);
    return { status: response.status, body: await response.text() };
  } finally {
    await dispatcher.close();
  }
}

describe('mutual TLS with production configuration (TRUSTED_CA, CRL_FILES)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-tls-'));
  const trusted = createRootCa('IGC-Santé test root');
  const foreign = createRootCa('Somebody else');
  const server = issueCertificate(trusted, {
    subject: [[{ type: 'CN', value: 'localhost' }]],
    kind: 'server',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  const valid = issueCertificate(trusted, { subject: doctor, kind: 'client' });
  const revoked = issueCertificate(trusted, { subject: doctor, kind: 'client' });
  const expired = issueCertificate(trusted, {
    subject: doctor,
    kind: 'client',
    notBefore: new Date(Date.now() - 10 * 86400_000),
    notAfter: new Date(Date.now() - 86400_000),
  });
  const fromForeignCa = issueCertificate(foreign, { subject: doctor, kind: 'client' });
  const revokedLater = issueCertificate(trusted, { subject: doctor, kind: 'client' });
  const organisation = issueCertificate(trusted, {
    subject: orgSubject({
      serviceName: 'Imagerie',
      structureId: '1750000001',
      organisationName: 'CH de Test',
    }),
    kind: 'client',
  });
  /** The published IGC-Santé forms: a CPS naming its practice, a test structure's FINESS. */
  const cpsWithPractice = issueCertificate(trusted, {
    subject: [
      [{ type: 'C', value: 'FR' }],
      [{ type: 'O', value: 'CABINET M. DOC0036790' }],
      [{ type: 'OU', value: '499700367909006' }],
      ...psSubject({
        idNat: '899700367909',
        family: 'DOC0036790',
        given: 'KIT',
        professionLabel: 'Médecin',
      }).slice(1),
    ],
    kind: 'client',
  });
  const testStructure = issueCertificate(trusted, {
    subject: orgSubject({
      serviceName: 'Serveur applicatif',
      structureId: '10B0152872',
      organisationName: 'CENTRE HOSPITALIER DE TEST',
    }),
    kind: 'client',
  });
  const unknownProfile = issueCertificate(trusted, {
    subject: [[{ type: 'CN', value: 'somebody' }]],
    kind: 'client',
  });
  let gateway: TestGateway;
  let metadataUrl: string;

  beforeAll(async () => {
    const write = (name: string, content: string | Buffer) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    const crlPem = issueCrl(trusted, [new X509Certificate(revoked.certPem).serialNumber]);
    const crlDer = Buffer.from(crlPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    gateway = await startTestGateway({
      TLS_CERT: write('server.pem', server.certPem),
      TLS_KEY: write('server-key.pem', server.keyPem),
      TRUSTED_CA: write('ca.pem', trusted.certPem),
      CRL_FILES: write('ca.crl', crlDer),
    });
    metadataUrl = `https://localhost:${gateway.gateway.port}/fhir/metadata`;
  });

  afterAll(async () => {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a PS certificate and an ORG certificate of the trusted CA', async () => {
    expect((await statusWith(metadataUrl, valid, trusted.certPem)).status).toBe(200);
    expect((await statusWith(metadataUrl, organisation, trusted.certPem)).status).toBe(200);
  });

  it('accepts the published IGC-Santé subject forms: a CPS naming its practice, a FINESS with a letter', async () => {
    expect((await statusWith(metadataUrl, cpsWithPractice, trusted.certPem)).status).toBe(200);
    expect((await statusWith(metadataUrl, testStructure, trusted.certPem)).status).toBe(200);
  });

  it('serves the CapabilityStatement to any TLS client, and nothing else without credentials', async () => {
    const metadata = await statusWith(metadataUrl, undefined, trusted.certPem);
    expect(metadata.status).toBe(200);
    expect((JSON.parse(metadata.body) as { resourceType: string }).resourceType).toBe(
      'CapabilityStatement',
    );
    const search = await statusWith(
      metadataUrl.replace('/metadata', '/DocumentReference'),
      undefined,
      trusted.certPem,
    );
    expect(search.status).toBe(401);
    expect(search.body).toMatch(/A client certificate, or a patient token .*, is required/);
  });

  it.each([
    ['a revoked certificate (DER CRL)', revoked, /CERT_REVOKED/],
    ['an expired certificate', expired, /CERT_HAS_EXPIRED/],
    ['a certificate of another CA', fromForeignCa, /refused/],
    ['a certificate of no IGC-Santé profile', unknownProfile, /.+/],
  ])('refuses %s with 401 and an OperationOutcome', async (_name, client, reason) => {
    const { status, body } = await statusWith(metadataUrl, client, trusted.certPem);
    expect(status).toBe(401);
    const outcome = JSON.parse(body) as { resourceType: string; issue: { diagnostics: string }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0].diagnostics).toMatch(reason);
  });

  it('audits every refusal', async () => {
    const database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
    try {
      const { rows } = await database.query<{ n: string }>(
        `SELECT count(*) AS n FROM audit_event
         WHERE http_status = 401 AND outcome = 'denied' AND transaction LIKE 'GET /fhir/%'`,
      );
      expect(Number(rows[0].n)).toBeGreaterThanOrEqual(5);
    } finally {
      await database.end();
    }
  });

  it('follows a CRL replaced on disk without a restart, and keeps the lists in force when the new file is unreadable', async () => {
    const crlFile = join(dir, 'ca.crl');
    const serial = (issued: IssuedCertificate) => new X509Certificate(issued.certPem).serialNumber;
    const statusOf = async (client: IssuedCertificate) =>
      (await statusWith(metadataUrl, client, trusted.certPem)).status;
    expect(await statusOf(revokedLater)).toBe(200);

    writeFileSync(crlFile, issueCrl(trusted, [serial(revoked), serial(revokedLater)]));
    const deadline = Date.now() + 15_000;
    while ((await statusOf(revokedLater)) !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const { body } = await statusWith(metadataUrl, revokedLater, trusted.certPem);
    expect(body).toMatch(/CERT_REVOKED/);
    expect(await statusOf(valid)).toBe(200);

    writeFileSync(crlFile, 'not a CRL');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(await statusOf(revokedLater)).toBe(401);
    expect(await statusOf(valid)).toBe(200);
  });
});

describe('embedded PGlite (no DATABASE_URL): the built gateway as `npm start` runs it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-pglite-'));

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores, finds and returns a document byte-identical, and keeps it after a restart, with the key file it generated', async () => {
    const patient = freshPatient();
    const content = Buffer.from('%PDF-1.4 embedded');
    const request = (
      gateway: BuiltGateway,
      persona: string,
      path: string,
      init: RequestInit = {},
    ) =>
      fetch(`https://localhost:${gateway.port}/fhir${path}`, {
        ...init,
        headers: { 'content-type': 'application/fhir+json' },
        dispatcher: gateway.agent(persona),
      } as unknown as RequestInit);

    const first = await startBuiltGateway(dataDir);
    try {
      expect(first.output()).toContain('embedded PGlite');
      expect(statSync(join(dataDir, 'keys', 'kek.json')).mode & 0o777).toBe(0o600);
      const opened = await request(first, 'medecin-generaliste', '/Patient', {
        method: 'POST',
        body: JSON.stringify({
          resourceType: 'Patient',
          identifier: [{ system: patient.system, value: patient.nir }],
        }),
      });
      expect(opened.status).toBe(201);
      const pushed = await request(first, 'hopital-org', '', {
        method: 'POST',
        body: JSON.stringify(
          provideBundle(patient.token, [{ content, mimeType: 'application/pdf' }]),
        ),
      });
      expect(pushed.status).toBe(200);
    } finally {
      await first.stop();
    }

    const second = await startBuiltGateway(dataDir);
    try {
      const search = await request(
        second,
        'medecin-generaliste',
        `/DocumentReference?patient.identifier=${encodeURIComponent(patient.token)}`,
      );
      const found = (await search.json()) as Bundle;
      expect(found.total).toBe(1);
      const url = new URL(
        (found.entry![0].resource as DocumentReference).content[0].attachment.url!,
      );
      const read = await request(second, 'medecin-generaliste', url.pathname.replace('/fhir', ''));
      expect(read.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await read.arrayBuffer()).equals(content)).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
