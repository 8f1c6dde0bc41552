import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { fetch as undiciFetch } from 'undici';
import { freshPatient } from '@passerelle/testing';
import { BuiltGateway, startBuiltGateway } from './support/built-gateway';
import { TestGateway, startTestGateway } from './support/test-gateway';

/** JSON request logs with `X-Request-Id`, and the same id in the request's audit record. */
describe('request log and X-Request-Id', () => {
  describe('the built gateway, as npm start runs it (stdout not a terminal: JSON lines)', () => {
    let dataDir: string;
    let gateway: BuiltGateway;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'passerelle-log-'));
      gateway = await startBuiltGateway(dataDir, { LOG_LEVEL: 'log' });
    });

    afterAll(async () => {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('logs one JSON line per request, without query, headers or body, under its request id', async () => {
      const patient = freshPatient();
      const response = await undiciFetch(
        `https://localhost:${gateway.port}/fhir/Patient?identifier=${encodeURIComponent(patient.token)}`,
        {
          dispatcher: gateway.agent('medecin-generaliste'),
          headers: { 'x-request-id': 'trace-42.a' },
        },
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('trace-42.a');
      const line = await lineOf(gateway, 'trace-42.a');
      expect(line).toMatchObject({
        level: 30,
        msg: 'request completed',
        req: { id: 'trace-42.a', method: 'GET', path: '/fhir/Patient' },
        res: { status: 200 },
        route: '/fhir/Patient',
        principal: 'PS:810000000017',
        responseTime: expect.any(Number),
      });
      expect(JSON.stringify(line)).not.toContain(patient.nir);
    });

    it('replaces a request id that is not a plain token, and logs refusals as warnings', async () => {
      const response = await undiciFetch(
        `https://localhost:${gateway.port}/fhir/DocumentReference`,
        {
          dispatcher: gateway.agent('medecin-generaliste'),
          headers: { 'x-request-id': 'bad id\twith spaces' },
        },
      );
      expect(response.status).toBe(400);
      const id = response.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await lineOf(gateway, id)).toMatchObject({ level: 40, res: { status: 400 } });
    });

    it('logs a request whose caller hangs up before the answer as aborted, an error', async () => {
      const abort = new AbortController();
      const firstPartSent = new Promise<void>((sent) => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"resourceType":"Bundle",'));
            sent();
          },
        });
        void undiciFetch(`https://localhost:${gateway.port}/fhir`, {
          method: 'POST',
          dispatcher: gateway.agent('hopital-org'),
          headers: {
            'content-type': 'application/fhir+json',
            'content-length': String(64 * 1024),
            'x-request-id': 'hung-up.1',
          },
          body,
          duplex: 'half',
          signal: abort.signal,
        }).catch(() => undefined);
      });
      await firstPartSent;
      await new Promise((resolve) => setTimeout(resolve, 200));
      abort.abort();
      expect(await lineOf(gateway, 'hung-up.1')).toMatchObject({
        level: 50,
        msg: 'request aborted',
        req: { id: 'hung-up.1', method: 'POST', path: '/fhir' },
      });
    });
  });

  describe('the audit trail', () => {
    let gateway: TestGateway;
    let database: Client;

    beforeAll(async () => {
      gateway = await startTestGateway();
      database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
      await database.connect();
    });

    afterAll(async () => {
      await database.end();
      await gateway.close();
    });

    it('keeps the request id in the audit record of the request', async () => {
      const patient = freshPatient();
      const response = await undiciFetch(
        `${gateway.fhirUrl}/Patient?identifier=${encodeURIComponent(patient.token)}`,
        {
          dispatcher: gateway.agent('medecin-generaliste'),
          headers: { 'x-request-id': 'audit-7' },
        },
      );
      expect(response.status).toBe(200);
      const { rows } = await database.query(
        `SELECT transaction, subject_id FROM audit_event WHERE request_id = 'audit-7'`,
      );
      expect(rows).toEqual([{ transaction: 'record-status', subject_id: '810000000017' }]);
    });
  });
});

async function lineOf(gateway: BuiltGateway, requestId: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const line = gateway
      .output()
      .split('\n')
      .filter((text) => text.startsWith('{'))
      .map((text) => JSON.parse(text) as Record<string, unknown> & { req?: { id?: string } })
      .find((entry) => entry.req?.id === requestId);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No log line for ${requestId} in:\n${gateway.output()}`);
}
