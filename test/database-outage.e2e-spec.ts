import { freshXdsPatient, provideBundle } from '@passerelle/testing';
import { Client } from 'pg';
import { fetch } from 'undici';
import { DmpRecord, DmpTestBed } from './support/dmp-test-bed';
import { TcpProxy, startTcpProxy } from './support/tcp-proxy';
import { errorCodesOf, postSoap, statusOf } from './support/xds-client';
import {
  findDocumentsQuery,
  nistBytes,
  nistText,
  provideRequest,
  retrieveRequest,
} from './support/xds-fixtures';

const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** What an answer must never tell: the driver's words, the database's address. */
const INTERNALS = /ECONNREFUSED|ECONNRESET|5432|postgres|terminated|timeout exceeded|\bat \w/i;

/**
 * The gateway on a database of its own, reached through a TCP relay the test cuts: every
 * request is then answered "retry later" in its door's terms, /health says the database is
 * down while the process stays alive, and everything works again once the relay is back —
 * without a restart.
 */
describe('the database out of reach: retryable answers, readiness, recovery', () => {
  const database = `passerelle_outage_${Date.now()}_${process.pid}`;
  let proxy: TcpProxy;
  let bed: DmpTestBed;
  let record: DmpRecord;

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE ${database}`);
    const admin = new URL(ADMIN_URL);
    proxy = await startTcpProxy(admin.hostname, Number(admin.port || 5432));
    const url = new URL(ADMIN_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    url.pathname = `/${database}`;
    bed = await DmpTestBed.start({ DATABASE_URL: url.toString() });
    record = await bed.newRecord();
    await bed.provide(record, [{ content: Buffer.from('before the outage') }]);
  }, 120_000);

  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await bed?.close();
    await proxy.close();
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  const health = async (path = '/health') => {
    const response = await fetch(`${bed.gateway.baseUrl}${path}`, {
      dispatcher: bed.gateway.agent(),
    });
    return { status: response.status, body: await response.json() };
  };

  it('is ready while the database answers', async () => {
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', database: 'up' } });
  });

  describe('while the database is cut', () => {
    beforeAll(() => proxy.cut());

    it('reports not ready (503) but alive', async () => {
      expect(await health()).toEqual({
        status: 503,
        body: { status: 'unavailable', database: 'down' },
      });
      expect(await health('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    });

    it('answers FHIR searches and submissions 503 transient with Retry-After, nothing internal', async () => {
      const started = Date.now();
      const answers = [
        await bed.search('medecin-generaliste', record),
        await bed.call('hopital-org', 'POST', '', provideBundle(record.token, [{}])),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.body.issue?.map((issue) => issue.code)).toEqual(['transient']);
        expect(answer.body.issue?.[0].details?.coding?.[0].code).toBe('XDSRegistryNotAvailable');
        expect(answer.text).not.toMatch(INTERNALS);
      }
      expect(Date.now() - started).toBeLessThan(15_000);
      const response = await fetch(
        `${bed.gateway.fhirUrl}/DocumentReference?patient.identifier=${encodeURIComponent(record.token)}`,
        { dispatcher: bed.agent('medecin-generaliste') },
      );
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
      await response.text();
    });

    it("answers the patient's OpenID provider 503 temporarily_unavailable, nothing internal", async () => {
      const response = await fetch(`${bed.gateway.baseUrl}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: 'a-refresh-token-the-store-cannot-look-up',
          client_id: 'passerelle-portal',
        }).toString(),
        dispatcher: bed.gateway.agent(),
      });
      const text = await response.text();
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
      expect(JSON.parse(text)).toMatchObject({ error: 'temporarily_unavailable' });
      expect(text).not.toMatch(INTERNALS);
    });

    it('answers XDS transactions with a Failure naming XDSRegistryNotAvailable or XDSRepositoryNotAvailable', async () => {
      const patient = freshXdsPatient();
      const query = await postSoap(bed.gateway, 'registry', findDocumentsQuery(record.cx));
      const retrieve = await postSoap(
        bed.gateway,
        'repository',
        retrieveRequest([{ repositoryUniqueId: '1.2.250.1.999.1.1.1', documentUniqueId: '1.2.3' }]),
      );
      const provide = await postSoap(
        bed.gateway,
        'repository',
        provideRequest(nistText('11966', 'submit', 'single_doc.xml'), { patient: patient.cx }, [
          { id: 'Document01', bytes: nistBytes('11966', 'submit', 'my_document.txt') },
        ]),
      );
      const outcomes = [query, retrieve, provide].map((answer) => ({
        status: answer.status,
        response: answer.body.local,
        registryStatus: statusOf(answer.body),
        codes: errorCodesOf(answer.body),
        internals: INTERNALS.test(answer.raw.toString('latin1')),
      }));
      expect(outcomes).toEqual([
        {
          status: 200,
          response: 'AdhocQueryResponse',
          registryStatus: 'Failure',
          codes: ['XDSRegistryNotAvailable'],
          internals: false,
        },
        {
          status: 200,
          response: 'RetrieveDocumentSetResponse',
          registryStatus: 'Failure',
          codes: ['XDSRepositoryNotAvailable'],
          internals: false,
        },
        {
          status: 200,
          response: 'RegistryResponse',
          registryStatus: 'Failure',
          codes: ['XDSRepositoryNotAvailable', 'XDSRegistryNotAvailable'],
          internals: false,
        },
      ]);
    });
  });

  describe('once the database is back', () => {
    beforeAll(() => proxy.restore());

    it('is ready again and serves both doors, without a restart', async () => {
      const deadline = Date.now() + 20_000;
      while ((await health()).status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await health()).toEqual({ status: 200, body: { status: 'ok', database: 'up' } });
      await bed.provide(record, [{ content: Buffer.from('after the outage') }]);
      const found = await bed.search('medecin-generaliste', record);
      expect(found.status).toBe(200);
      expect(found.body.total).toBe(2);
      const query = await postSoap(
        bed.gateway,
        'registry',
        findDocumentsQuery(record.cx),
        'medecin-generaliste',
      );
      expect(statusOf(query.body)).toBe('Success');
    });
  });
});

async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
