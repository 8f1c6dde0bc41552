import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool, PoolClient } from 'pg';

/**
 * The audited floor: the floor (bench/neutral/floor-server.mjs, the least work Node.js + pg can
 * do for the same MHD traffic) plus only what the DMP's rules make every implementation do on
 * each request, done the cheapest way:
 * - a read of the record's access state before anything is answered or stored (one indexed
 *   lookup, a round trip of its own: the decision needs it before the request goes on);
 * - an audit row for every request answered (ITI-67: naming the page's documents), written with the
 *   request's own statement, so that nothing is answered unaudited;
 * - for ITI-65, a notification row for the patient per document, in the bundle's transaction.
 * Nothing else: no validation, no habilitation rules, no encryption at rest, no XDS metadata.
 * Its rate over the floor's says how far any implementation of those rules can come.
 * Usage: node audited-floor-server.js --port N --tls DIR (server.key, server.crt, ca.crt);
 * database from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE. Tables are made anew.
 */

const SCHEMA = [
  'DROP TABLE IF EXISTS floor_doc, floor_list, floor_binary, floor_access, floor_audit, floor_notification',
  `CREATE TABLE floor_doc (id uuid PRIMARY KEY, patient text NOT NULL, status text NOT NULL,
     type_system text, type_code text, date timestamptz, resource jsonb NOT NULL)`,
  'CREATE INDEX floor_doc_pat ON floor_doc (patient, status, type_code)',
  'CREATE TABLE floor_list (id uuid PRIMARY KEY, patient text, resource jsonb NOT NULL)',
  `CREATE TABLE floor_binary (id uuid PRIMARY KEY, patient text NOT NULL, content_type text,
     data bytea NOT NULL)`,
  'CREATE TABLE floor_access (patient text PRIMARY KEY, state jsonb NOT NULL)',
  `CREATE TABLE floor_audit (patient text NOT NULL, id uuid NOT NULL, recorded_at timestamptz NOT NULL,
     transaction text NOT NULL, subject text, documents text[] NOT NULL, http_status int NOT NULL,
     PRIMARY KEY (patient, id))`,
  'CREATE INDEX floor_audit_time ON floor_audit (patient, recorded_at DESC)',
  `CREATE TABLE floor_notification (patient text NOT NULL, id uuid NOT NULL, kind text NOT NULL,
     payload jsonb NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (patient, id))`,
];

const AUDIT = `INSERT INTO floor_audit VALUES ($1, $2, now(), $3, $4, $5::text[], 200)`;

const STATEMENTS = {
  accessState: { name: 'access', text: 'SELECT state FROM floor_access WHERE patient = $1' },
  binaryAccess: {
    name: 'binary-access',
    text: `SELECT b.patient, a.state FROM floor_binary b
             LEFT JOIN floor_access a ON a.patient = b.patient WHERE b.id = $1`,
  },
  auditedBinary: {
    name: 'binary',
    text: `WITH audit AS (${AUDIT.replace('$5::text[]', 'ARRAY[$5::text]')})
           SELECT content_type, data FROM floor_binary WHERE id = $6`,
  },
  insertBinary: { name: 'ib', text: 'INSERT INTO floor_binary VALUES ($1, $2, $3, $4)' },
  insertDocument: {
    name: 'id',
    text: 'INSERT INTO floor_doc VALUES ($1, $2, $3, $4, $5, $6, $7)',
  },
  insertList: { name: 'il', text: 'INSERT INTO floor_list VALUES ($1, $2, $3)' },
  insertAudit: { name: 'ia', text: AUDIT },
  notify: {
    name: 'in',
    text: `INSERT INTO floor_notification VALUES ($1, $2, 'new-document', $3::jsonb, now())`,
  },
};

interface Resource {
  resourceType: string;
  id?: string;
  subject?: { reference?: string };
  status?: string;
  date?: string;
  contentType?: string;
  data?: string;
  type?: { coding?: { system?: string; code?: string }[] };
  content?: { attachment?: { url?: string } }[];
  entry?: { item?: { reference?: string } }[];
}

interface Bundle {
  resourceType?: string;
  type?: string;
  entry?: { fullUrl: string; resource: Resource }[];
}

class ClientError extends Error {}

function main(): void {
  const { values } = parseArgs({
    // --reset is taken for the floor's command line: the tables are always made anew.
    options: { port: { type: 'string' }, tls: { type: 'string' }, reset: { type: 'boolean' } },
  });
  const tls = values.tls ?? '';
  const pool = new Pool({ max: 16 });
  const server = createServer(
    {
      key: readFileSync(join(tls, 'server.key')),
      cert: readFileSync(join(tls, 'server.crt')),
      ca: readFileSync(join(tls, 'ca.crt')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => void handle(pool, request, response),
  );
  void (async () => {
    for (const statement of SCHEMA) await pool.query(statement);
    server.listen(Number(values.port), '127.0.0.1', () =>
      process.stderr.write(
        `audited-floor https+mtls 127.0.0.1:${values.port} pid ${process.pid}\n`,
      ),
    );
  })();
  process.once('SIGTERM', () => server.close(() => void pool.end()));
}

async function handle(pool: Pool, request: IncomingMessage, response: ServerResponse) {
  try {
    const url = new URL(request.url ?? '/', 'https://floor');
    const path = url.pathname.replace(/\/+$/, '');
    const subject = subjectOf(request);
    const binary = request.method === 'GET' && /^\/Binary\/([0-9a-f-]{36})$/.exec(path);
    if (request.method === 'POST' && path === '') {
      const bundle = JSON.parse((await body(request)).toString('utf8')) as Bundle;
      return send(response, 200, JSON.stringify(await transaction(pool, bundle, subject)));
    }
    if (request.method === 'GET' && path === '/DocumentReference') {
      return send(response, 200, await search(pool, url.searchParams, subject));
    }
    if (binary) {
      const found = await read(pool, binary[1], subject);
      return found ? send(response, 200, found.data, found.contentType) : notFound(response);
    }
    notFound(response);
  } catch (error) {
    send(response, error instanceof ClientError ? 400 : 500, outcome(String(error)));
  }
}

async function transaction(pool: Pool, bundle: Bundle, subject: string) {
  if (bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction' || !bundle.entry) {
    throw new ClientError('expected a transaction Bundle');
  }
  const patient = bundle.entry.find((e) => e.resource.subject)?.resource.subject?.reference ?? '';
  await pool.query(STATEMENTS.accessState, [patient]);
  const ids = new Map(
    bundle.entry.map((e) => [e.fullUrl, `${e.resource.resourceType}/${randomUUID()}`]),
  );
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const documents: string[] = [];
    for (const { fullUrl, resource } of bundle.entry) {
      resource.id = ids.get(fullUrl)!.split('/')[1];
      await store(client, resource, patient, (url) => ids.get(url) ?? url);
      if (resource.resourceType === 'DocumentReference') documents.push(resource.id);
    }
    await client.query(STATEMENTS.insertAudit, [
      patient,
      randomUUID(),
      'ITI-65',
      subject,
      documents,
    ]);
    await client.query('COMMIT');
    return {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: bundle.entry.map(({ resource }) => ({
        response: {
          status: '201 Created',
          location: `${resource.resourceType}/${resource.id}/_history/1`,
        },
      })),
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function store(
  client: PoolClient,
  resource: Resource,
  patient: string,
  reference: (url: string) => string,
): Promise<void> {
  const id = resource.id!;
  if (resource.resourceType === 'Binary') {
    const data = Buffer.from(resource.data ?? '', 'base64');
    await client.query(STATEMENTS.insertBinary, [id, patient, resource.contentType, data]);
  } else if (resource.resourceType === 'DocumentReference') {
    for (const c of resource.content ?? []) {
      if (c.attachment?.url) c.attachment.url = reference(c.attachment.url);
    }
    const type = resource.type?.coding?.[0];
    const row = [id, patient, resource.status, type?.system, type?.code, resource.date, resource];
    await client.query(STATEMENTS.insertDocument, row);
    await client.query(STATEMENTS.notify, [
      patient,
      randomUUID(),
      JSON.stringify({ document: id }),
    ]);
  } else if (resource.resourceType === 'List') {
    for (const item of resource.entry ?? []) {
      if (item.item?.reference) item.item.reference = reference(item.item.reference);
    }
    await client.query(STATEMENTS.insertList, [id, patient, resource]);
  } else {
    throw new ClientError(`unsupported ${resource.resourceType}`);
  }
}

async function search(pool: Pool, query: URLSearchParams, subject: string): Promise<string> {
  const patient = query.get('patient') ?? '';
  await pool.query(STATEMENTS.accessState, [patient]);
  const values: unknown[] = [patient, query.get('status') ?? 'current'];
  const conditions = ['patient = $1', 'status = $2'];
  const type = query.get('type');
  if (type) {
    const [system, code] = type.includes('|') ? type.split('|') : [undefined, type];
    values.push(code);
    conditions.push(`type_code = $${values.length}`);
    if (system) {
      values.push(system);
      conditions.push(`type_system = $${values.length}`);
    }
  }
  values.push(randomUUID(), subject);
  const [id, who] = [values.length - 1, values.length];
  const { rows } = await pool.query<{ r: string }>(
    `WITH page AS (SELECT id, resource::text AS r FROM floor_doc WHERE ${conditions.join(' AND ')} LIMIT 100),
          audit AS (INSERT INTO floor_audit
                    SELECT $1, $${id}, now(), 'ITI-67', $${who}, ARRAY(SELECT id::text FROM page), 200)
     SELECT r FROM page`,
    values,
  );
  const entries = rows.map((row) => `{"resource":${row.r},"search":{"mode":"match"}}`);
  return `{"resourceType":"Bundle","type":"searchset","entry":[${entries.join(',')}]}`;
}

async function read(pool: Pool, id: string, subject: string) {
  const access = await pool.query<{ patient: string }>(STATEMENTS.binaryAccess, [id]);
  if (access.rows.length === 0) return undefined;
  const patient = access.rows[0].patient;
  const { rows } = await pool.query<{ content_type: string; data: Buffer }>(
    STATEMENTS.auditedBinary,
    [patient, randomUUID(), 'ITI-68', subject, id, id],
  );
  return rows[0] && { contentType: rows[0].content_type, data: rows[0].data };
}

/** The caller's certificate subject, as the audit row names it. */
function subjectOf(request: IncomingMessage): string {
  const name = (request.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '';
  return Array.isArray(name) ? name.join(',') : name;
}

function body(request: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => done(Buffer.concat(chunks)));
    request.once('error', fail);
  });
}

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  type = 'application/fhir+json',
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, { 'content-type': type, 'content-length': bytes.length });
  response.end(bytes);
}

function notFound(response: ServerResponse): void {
  send(response, 404, outcome('not found'));
}

function outcome(diagnostics: string): string {
  const issue = { severity: 'error', code: 'processing', diagnostics };
  return JSON.stringify({ resourceType: 'OperationOutcome', issue: [issue] });
}

main();
