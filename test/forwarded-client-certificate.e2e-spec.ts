import {
  FORWARDED_CERTIFICATE_HEADER,
  IssuedCertificate,
  createRootCa,
  issueCertificate,
  issueCrl,
  orgSubject,
  psSubject,
} from '@passerelle/platform';
import { freshPatient } from '@passerelle/testing';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { findDocumentsQuery } from './support/xds-fixtures';
import { openTestDatabase } from './support/test-database';
import { TestGateway, startTestGateway } from './support/test-gateway';
import type { Database } from '@passerelle/persistence';

const doctor = psSubject({
  idNat: '810000000017',
  family: 'MARTIN',
  given: 'Jeanne',
  professionLabel: 'Médecin',
});
const hospital = orgSubject({
  serviceName: 'Imagerie',
  structureId: '1750000001',
  organisationName: 'CH de Test',
});

/** DER in base64, as HAProxy's `%[ssl_c_der,base64]` forwards it. */
function headerOf(client: IssuedCertificate): string {
  return new X509Certificate(client.certPem).raw.toString('base64');
}

describe('a client certificate forwarded by the trusted proxy (TRUSTED_PROXY_CERT)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-proxy-'));
  const trusted = createRootCa('IGC-Santé test root');
  const foreign = createRootCa('Somebody else');
  const server = issueCertificate(trusted, {
    subject: [[{ type: 'CN', value: 'localhost' }]],
    kind: 'server',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  const proxy = issueCertificate(foreign, {
    subject: [[{ type: 'CN', value: 'haproxy' }]],
    kind: 'client',
  });
  const impostor = issueCertificate(foreign, {
    subject: [[{ type: 'CN', value: 'haproxy' }]],
    kind: 'client',
  });
  const physician = issueCertificate(trusted, { subject: doctor, kind: 'client' });
  const system = issueCertificate(trusted, { subject: hospital, kind: 'client' });
  const revoked = issueCertificate(trusted, { subject: doctor, kind: 'client' });
  const expired = issueCertificate(trusted, {
    subject: doctor,
    kind: 'client',
    notBefore: new Date(Date.now() - 10 * 86400_000),
    notAfter: new Date(Date.now() - 86400_000),
  });
  const fromForeignCa = issueCertificate(foreign, { subject: doctor, kind: 'client' });
  const patient = freshPatient();
  const agents: Agent[] = [];
  let gateway: TestGateway;
  let database: Database;

  const agentOf = (client: IssuedCertificate) => {
    const agent = new Agent({
      connect: { ca: trusted.certPem, cert: client.certPem, key: client.keyPem },
    });
    agents.push(agent);
    return agent;
  };

  async function search(connection: IssuedCertificate, forwarded?: string) {
    const response = await request(
      `${gateway.fhirUrl}/DocumentReference?patient.identifier=${encodeURIComponent(patient.token)}`,
      {
        dispatcher: agentOf(connection),
        headers: forwarded === undefined ? {} : { [FORWARDED_CERTIFICATE_HEADER]: forwarded },
      },
    );
    return { status: response.statusCode, body: await response.body.text() };
  }

  beforeAll(async () => {
    const write = (name: string, content: string) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    gateway = await startTestGateway({
      TLS_CERT: write('server.pem', server.certPem),
      TLS_KEY: write('server-key.pem', server.keyPem),
      TRUSTED_CA: write('ca.pem', trusted.certPem),
      CRL_FILES: write(
        'ca.crl',
        issueCrl(trusted, [new X509Certificate(revoked.certPem).serialNumber]),
      ),
      TRUSTED_PROXY_CERT: write('proxy.pem', proxy.certPem),
    });
    database = await openTestDatabase();
    const opened = await request(`${gateway.fhirUrl}/Patient`, {
      method: 'POST',
      dispatcher: agentOf(proxy),
      headers: {
        'content-type': 'application/fhir+json',
        [FORWARDED_CERTIFICATE_HEADER]: headerOf(physician),
      },
      body: JSON.stringify({
        resourceType: 'Patient',
        identifier: [{ system: patient.system, value: patient.nir }],
      }),
    });
    expect(opened.statusCode).toBe(201);
    await opened.body.dump();
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.close()));
    await database.close();
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the forwarded certificate as the presenter: an ORG system may not consult', async () => {
    const { status, body } = await search(proxy, headerOf(system));
    expect(status).toBe(403);
    expect(body).toContain('INDIRECT_CANNOT_CONSULT');
    expect((await search(proxy, headerOf(physician))).status).toBe(200);
  });

  it('accepts the URL-encoded PEM nginx forwards', async () => {
    expect(await search(proxy, encodeURIComponent(system.certPem))).toMatchObject({
      status: 403,
      body: expect.stringContaining('INDIRECT_CANNOT_CONSULT'),
    });
  });

  it.each([
    ['a revoked certificate', revoked, /CERT_REVOKED/],
    ['an expired certificate', expired, /CERT_HAS_EXPIRED/],
    ['a certificate of another CA', fromForeignCa, /UNABLE_TO_GET_ISSUER_CERT_LOCALLY/],
  ])('re-validates it like a direct one: refuses %s with 401', async (_name, client, reason) => {
    const { status, body } = await search(proxy, headerOf(client));
    expect(status).toBe(401);
    expect(body).toMatch(/Forwarded client certificate refused/);
    expect(body).toMatch(reason);
  });

  it('refuses the proxy without a forwarded certificate, or with something else in it', async () => {
    expect(await search(proxy)).toMatchObject({
      status: 401,
      body: expect.stringMatching(/forwarded no client certificate/),
    });
    expect((await search(proxy, 'not a certificate')).status).toBe(401);
  });

  it('ignores the header from any other client, and audits the refusal', async () => {
    const before = await ignoredHeaderAudits();
    expect((await search(physician, headerOf(system))).status).toBe(200);
    const impostorAnswer = await search(impostor, headerOf(physician));
    expect(impostorAnswer.status).toBe(401);
    expect(impostorAnswer.body).not.toMatch(/Forwarded/);
    expect(await ignoredHeaderAudits()).toBe(before + 1);
  });

  it('does the same on the XDS door', async () => {
    const query = findDocumentsQuery(`${patient.nir}^^^&1.2.250.1.213.1.4.10&ISO`);
    const post = async (connection: IssuedCertificate, forwarded?: string) => {
      const response = await request(`${gateway.baseUrl}/xds/registry`, {
        method: 'POST',
        dispatcher: agentOf(connection),
        headers: {
          'content-type': query.contentType,
          ...(forwarded === undefined ? {} : { [FORWARDED_CERTIFICATE_HEADER]: forwarded }),
        },
        body: query.body,
      });
      return { status: response.statusCode, body: await response.body.text() };
    };
    expect((await post(proxy, headerOf(physician))).body).toContain('ResponseStatusType:Success');
    expect((await post(proxy, headerOf(expired))).body).toMatch(/CERT_HAS_EXPIRED/);
    expect((await post(proxy)).body).toMatch(/forwarded no client certificate/);
  });

  async function ignoredHeaderAudits(): Promise<number> {
    const [{ count }] = await database.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM audit_event
       WHERE transaction = 'forwarded-client-certificate' AND outcome = 'denied'`,
    );
    return count;
  }
});
