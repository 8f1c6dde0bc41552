import { Hl7Message } from '@medplum/core';
import { Hl7Connection } from '@medplum/hl7';
import {
  FORWARDED_CERTIFICATE_HEADER,
  IssuedCertificate,
  SubjectName,
  createRootCa,
  issueCertificate,
  orgSubject,
  psSubject,
} from '@passerelle/platform';
import { RunningOcspResponder, freePort, startOcspResponder } from '@passerelle/testing';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { Client } from 'pg';
import { Agent } from 'undici';
import { mdmT02 } from '../libs/hl7v2/src/mdm-t02-original-document/mdm-t02.spec-support';
import { TestGateway, startTestGateway } from './support/test-gateway';

const doctor = psSubject({
  idNat: '810000000017',
  family: 'MARTIN',
  given: 'Jeanne',
  professionLabel: 'Médecin',
});
const laboratory = orgSubject({
  serviceName: 'Laboratoire',
  structureId: '1690000000',
  organisationName: 'Laboratoire de Test',
});

describe('OCSP status of client certificates, against openssl ocsp (real HTTP, real TLS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-ocsp-e2e-'));
  const trusted = createRootCa('IGC-Santé OCSP test root');
  /** Another key under the trusted CA's name: its answers must not be believed. */
  const impostor = createRootCa('IGC-Santé OCSP test root');
  const server = issueCertificate(trusted, {
    subject: [[{ type: 'CN', value: 'localhost' }]],
    kind: 'server',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  const delegated = issueCertificate(trusted, {
    subject: [[{ type: 'CN', value: 'OCSP responder' }]],
    kind: 'ocsp-signing',
  });
  const proxy = issueCertificate(trusted, {
    subject: [[{ type: 'CN', value: 'haproxy' }]],
    kind: 'client',
  });
  const responders: RunningOcspResponder[] = [];
  const gateways: TestGateway[] = [];
  let certificates: Record<
    | 'good'
    | 'goodWithoutAia'
    | 'revoked'
    | 'revokedLaboratory'
    | 'unknown'
    | 'forged'
    | 'down'
    | 'cached'
    | 'cachedSibling',
    IssuedCertificate
  >;
  let cachedResponder: RunningOcspResponder;
  let refusing: TestGateway;
  let allowing: TestGateway;
  let database: Client;

  const write = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };

  /** As `certificate`, or — with `through` — as the trusted proxy forwarding `certificate`. */
  async function answerTo(
    gateway: TestGateway,
    certificate: IssuedCertificate,
    through?: IssuedCertificate,
  ) {
    const connection = through ?? certificate;
    const dispatcher = new Agent({
      connect: { ca: trusted.certPem, cert: connection.certPem, key: connection.keyPem },
    });
    const der = new X509Certificate(certificate.certPem).raw.toString('base64');
    try {
      const response = await fetch(`https://localhost:${gateway.gateway.port}/fhir/metadata`, {
        dispatcher,
        headers: through ? { [FORWARDED_CERTIFICATE_HEADER]: der } : {},
      } as unknown as RequestInit);
      const body = await response.text();
      return { status: response.status, body };
    } finally {
      await dispatcher.close();
    }
  }

  async function auditCount(where: string): Promise<number> {
    const { rows } = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_event WHERE ${where}`,
    );
    return rows[0].n;
  }

  const refusedMetadata = `transaction = 'GET /fhir/metadata' AND outcome = 'denied' AND http_status = 401`;

  beforeAll(async () => {
    const [mainPort, forgedPort, cachedPort, downPort] = await Promise.all(
      [1, 2, 3, 4].map(() => freePort()),
    );
    const url = (port: number) => `http://127.0.0.1:${port}/`;
    const issue = (ocspUrl: string | undefined, subject: SubjectName = doctor) =>
      issueCertificate(trusted, { subject, kind: 'client', ocspUrl });
    certificates = {
      good: issue(url(mainPort)),
      goodWithoutAia: issue(undefined),
      revoked: issue(url(mainPort)),
      revokedLaboratory: issue(url(mainPort), laboratory),
      unknown: issue(url(mainPort)),
      forged: issue(url(forgedPort)),
      down: issue(url(downPort)),
      cached: issue(url(cachedPort)),
      cachedSibling: issue(url(cachedPort)),
    };
    const revokedAt = new Date(Date.now() - 3600_000);
    const good = (certificate: IssuedCertificate) => ({ certificate });
    responders.push(
      await startOcspResponder(
        {
          ca: trusted,
          signer: delegated,
          nextUpdateMinutes: 10,
          entries: [
            good(certificates.good),
            good(certificates.goodWithoutAia),
            { certificate: certificates.revoked, revokedAt },
            { certificate: certificates.revokedLaboratory, revokedAt },
          ],
        },
        mainPort,
      ),
      await startOcspResponder(
        {
          ca: trusted,
          signer: impostor,
          nextUpdateMinutes: 10,
          entries: [good(certificates.forged)],
        },
        forgedPort,
      ),
    );
    cachedResponder = await startOcspResponder(
      {
        ca: trusted,
        signer: trusted,
        nextUpdateMinutes: 10,
        entries: [good(certificates.cached), good(certificates.cachedSibling)],
      },
      cachedPort,
    );
    responders.push(cachedResponder);
    const tls = {
      TLS_CERT: write('server.pem', server.certPem),
      TLS_KEY: write('server-key.pem', server.keyPem),
      TRUSTED_CA: write('ca.pem', trusted.certPem),
      OCSP: 'aia',
      OCSP_RESPONDER_URL: url(mainPort),
      OCSP_TIMEOUT_MS: '2000',
    };
    refusing = await startTestGateway({
      ...tls,
      MLLP_PORT: '0',
      TRUSTED_PROXY_CERT: write('proxy.pem', proxy.certPem),
    });
    gateways.push(refusing);
    allowing = await startTestGateway({ ...tls, OCSP_FAILURE: 'allow' });
    gateways.push(allowing);
    database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await database?.end();
    await Promise.all(responders.map((responder) => responder.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a certificate the responder says is good: by its AIA URL, or OCSP_RESPONDER_URL without one', async () => {
    expect((await answerTo(refusing, certificates.good)).status).toBe(200);
    expect((await answerTo(refusing, certificates.goodWithoutAia)).status).toBe(200);
  });

  it('refuses a revoked certificate as a CRL-revoked one (401 CERT_REVOKED), and audits it', async () => {
    const before = await auditCount(refusedMetadata);
    const { status, body } = await answerTo(refusing, certificates.revoked);
    expect(status).toBe(401);
    const outcome = JSON.parse(body) as { resourceType: string; issue: { diagnostics: string }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0].diagnostics).toBe('Client certificate refused (CERT_REVOKED)');
    expect(await auditCount(refusedMetadata)).toBe(before + 1);
  });

  it('refuses a certificate the responder does not know', async () => {
    const { status, body } = await answerTo(refusing, certificates.unknown);
    expect(status).toBe(401);
    expect(body).toMatch(/OCSP_CERT_UNKNOWN/);
  });

  it('refuses a certificate whose answer is signed by another key than the CA’s', async () => {
    const { status, body } = await answerTo(refusing, certificates.forged);
    expect(status).toBe(401);
    expect(body).toMatch(/OCSP_UNAVAILABLE/);
  });

  it('with OCSP_FAILURE=refuse, refuses a certificate whose responder is down', async () => {
    const { status, body } = await answerTo(refusing, certificates.down);
    expect(status).toBe(401);
    expect(body).toMatch(/OCSP_UNAVAILABLE/);
  });

  it('with OCSP_FAILURE=allow, serves it and audits that it went in unchecked', async () => {
    const unchecked = `transaction = 'client-certificate-status' AND outcome = 'allowed' AND reason LIKE 'OCSP_FAILURE=allow%'`;
    const before = await auditCount(unchecked);
    expect((await answerTo(allowing, certificates.down)).status).toBe(200);
    expect(await auditCount(unchecked)).toBe(before + 1);
    // A revoked certificate is still refused: allow is about outages only.
    expect((await answerTo(allowing, certificates.revoked)).status).toBe(401);
  });

  it('reuses a good answer until its nextUpdate: the responder stopped, the certificate still goes in', async () => {
    expect((await answerTo(refusing, certificates.cached)).status).toBe(200);
    await cachedResponder.stop();
    expect((await answerTo(refusing, certificates.cached)).status).toBe(200);
    // A certificate of the same responder not asked about before is refused: it is down.
    const sibling = await answerTo(refusing, certificates.cachedSibling);
    expect(sibling.status).toBe(401);
    expect(sibling.body).toMatch(/OCSP_UNAVAILABLE/);
  });

  it('checks a certificate the trusted proxy forwards as a direct one', async () => {
    expect((await answerTo(refusing, certificates.good, proxy)).status).toBe(200);
    const { status, body } = await answerTo(refusing, certificates.revoked, proxy);
    expect(status).toBe(401);
    expect(body).toMatch(/Forwarded client certificate refused \(CERT_REVOKED\)/);
    expect((await answerTo(refusing, certificates.unknown, proxy)).body).toMatch(
      /Forwarded client certificate refused \(OCSP_CERT_UNKNOWN\)/,
    );
  });

  it('answers AR to an MLLP message from a revoked certificate', async () => {
    const socket = connect({
      host: '127.0.0.1',
      port: refusing.gateway.mllpPort!,
      servername: 'localhost',
      ca: trusted.certPem,
      cert: certificates.revokedLaboratory.certPem,
      key: certificates.revokedLaboratory.keyPem,
    });
    await new Promise((resolve, reject) =>
      socket.once('secureConnect', resolve).once('error', reject),
    );
    const connection = new Hl7Connection(socket);
    try {
      const ack = await connection.sendAndWait(
        Hl7Message.parse(mdmT02({ controlId: `OCSP-${Date.now()}`, nir: '184057512345625' })),
      );
      expect(ack.getSegment('MSA')?.getField(1)?.toString()).toBe('AR');
      expect(ack.getSegment('MSA')?.getField(3)?.toString()).toMatch(/CERT_REVOKED/);
    } finally {
      await connection.close();
    }
  });
});
