import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { TLSSocket, connect } from 'node:tls';
import { fetch } from 'undici';
import { DmpRecord, DmpTestBed } from './support/dmp-test-bed';

/** A raw TLS connection: what a slow, hostile or exotic client sends, byte for byte. */
interface RawConnection {
  readonly socket: TLSSocket;
  /** Everything received so far, as text. */
  received(): string;
  /** Resolves when the server closed the connection, with the milliseconds since it opened. */
  readonly closed: Promise<number>;
  /** Resolves once the received text matches. */
  waitFor(pattern: RegExp): Promise<string>;
}

async function openRaw(bed: DmpTestBed, persona?: string): Promise<RawConnection> {
  const certificate = persona ? bed.certificate(persona) : undefined;
  const socket = connect({
    host: '127.0.0.1',
    port: bed.gateway.gateway.port,
    servername: 'localhost',
    ca: readFileSync(bed.gateway.pki.caPath),
    ...(certificate ? { cert: certificate.certPem, key: certificate.keyPem } : {}),
  });
  const opened = Date.now();
  let text = '';
  const listeners = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    for (const listener of listeners) listener();
  });
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => resolve(Date.now() - opened)),
  );
  await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
  return {
    socket,
    received: () => text,
    closed,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(text)) return;
          listeners.delete(check);
          resolve(text);
        };
        listeners.add(check);
        void closed.then(() => (pattern.test(text) ? resolve(text) : reject(new Error(text))));
        check();
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function head(method: string, path: string, headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [`${method} ${path} HTTP/1.1`, ...lines, '', ''].join('\r\n');
}

const HUNDRED_MB = 100 * 1024 * 1024;

describe('bounded resources: timeouts, Expect, Host, concurrent large bodies', () => {
  let bed: DmpTestBed;
  let record: DmpRecord;

  beforeAll(async () => {
    bed = await DmpTestBed.start({
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '3000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000',
      MAX_LARGE_BODIES: '2',
      PUBLIC_BASE_URL: 'https://dmp.example.test',
    });
    record = await bed.newRecord();
  });

  afterAll(() => bed.close());

  describe('timeouts', () => {
    it('cuts a client that sends its headers too slowly (slow loris)', async () => {
      const connection = await openRaw(bed, 'medecin-generaliste');
      connection.socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
      const dribble = setInterval(() => connection.socket.write('X-Slow: 1\r\n'), 200);
      const closedAfter = await connection.closed;
      clearInterval(dribble);
      expect(closedAfter).toBeLessThan(4000);
      expect(connection.received()).toMatch(/^(HTTP\/1\.1 408|$)/);
    });

    it('cuts a client that sends its body too slowly', async () => {
      const connection = await openRaw(bed, 'medecin-generaliste');
      connection.socket.write(
        head('POST', '/fhir', {
          Host: 'localhost',
          'Content-Type': 'application/fhir+json',
          'Content-Length': 100_000,
        }),
      );
      const dribble = setInterval(() => connection.socket.write(' '), 200);
      const closedAfter = await connection.closed;
      clearInterval(dribble);
      expect(closedAfter).toBeGreaterThan(2500);
      expect(closedAfter).toBeLessThan(6000);
    });

    it('closes an idle keep-alive connection', async () => {
      const connection = await openRaw(bed);
      connection.socket.write(head('GET', '/health/live', { Host: 'localhost' }));
      await connection.waitFor(/\r\n\r\n\{"status":"ok"\}$/);
      const answered = Date.now();
      await connection.closed;
      expect(Date.now() - answered).toBeGreaterThan(800);
      expect(Date.now() - answered).toBeLessThan(3000);
    });
  });

  describe('Host', () => {
    it.each([
      ['two Host lines', '/fhir/metadata', 'Host: localhost\r\nHost: evil.example'],
      ['a Host with a path', '/fhir/metadata', 'Host: evil.example/fhir?x='],
      ['two Host lines on the XDS door', '/xds/registry', 'Host: localhost\r\nHost: evil.example'],
    ])('refuses %s (400)', async (_, path, hostLines) => {
      const connection = await openRaw(bed, 'medecin-generaliste');
      connection.socket.write(`GET ${path} HTTP/1.1\r\n${hostLines}\r\n\r\n`);
      const answer = await connection.waitFor(/\r\n\r\n.+/s);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toMatch(path.startsWith('/xds') ? /soap:Sender/ : /"code":"structure"/);
    });

    it("accepts HTTP/1.0 without Host (a load balancer's health check)", async () => {
      const connection = await openRaw(bed);
      connection.socket.write('GET /health/live HTTP/1.0\r\n\r\n');
      await connection.closed;
      expect(connection.received()).toMatch(/^HTTP\/1\.1 200 .*\{"status":"ok"\}$/s);
    });

    it('builds every absolute URL from PUBLIC_BASE_URL, never from the Host a request names', async () => {
      const search = await getWithHost(
        bed,
        `/fhir/DocumentReference?patient.identifier=${encodeURIComponent(record.token)}`,
        'evil.example',
      );
      const bundle = JSON.parse(search.body) as { link: { url: string }[] };
      expect(search.status).toBe(200);
      expect(bundle.link.map((link) => link.url)).toEqual([
        expect.stringMatching(/^https:\/\/dmp\.example\.test\/fhir\/DocumentReference\?/),
      ]);
      const discovery = await getWithHost(bed, '/.well-known/openid-configuration', 'evil.example');
      expect((JSON.parse(discovery.body) as { issuer: string }).issuer).toBe(
        'https://dmp.example.test',
      );
    });
  });

  describe('Expect: 100-continue, decided before the body is read', () => {
    const expectContinue = async (
      persona: string | undefined,
      path: string,
      contentLength: number,
      contentType = 'application/fhir+json',
    ) => {
      const connection = await openRaw(bed, persona);
      connection.socket.write(
        head('POST', path, {
          Host: 'localhost',
          'Content-Type': contentType,
          'Content-Length': contentLength,
          Expect: '100-continue',
        }),
      );
      return connection;
    };
    const SOAP = 'application/soap+xml';

    it.each([
      [
        'a body above MAX_REQUEST_BYTES',
        'medecin-generaliste',
        '/fhir',
        HUNDRED_MB,
        413,
        /too-costly/,
      ],
      ['a request without certificate', undefined, '/fhir', 1000, 401, /"code":"login"/],
      [
        'a SOAP body above MAX_REQUEST_BYTES',
        'hopital-org',
        '/xds/repository',
        HUNDRED_MB,
        413,
        /soap:Sender/,
      ],
      [
        'a SOAP request without certificate',
        undefined,
        '/xds/repository',
        1000,
        401,
        /FailedAuthentication/,
      ],
    ])(
      'refuses %s unread, without 100 Continue',
      async (_, persona, path, length, status, body) => {
        const connection = await expectContinue(
          persona,
          path,
          length,
          path.startsWith('/xds') ? SOAP : undefined,
        );
        await connection.closed;
        expect(connection.received()).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
        expect(connection.received()).not.toMatch(/100 Continue/);
        expect(connection.received()).toMatch(body);
      },
    );

    it('grants 100 Continue to an authenticated request of an acceptable size', async () => {
      const body = JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [] });
      const connection = await expectContinue('hopital-org', '/fhir', Buffer.byteLength(body));
      await connection.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
      connection.socket.write(body);
      const answer = await connection.waitFor(/HTTP\/1\.1 [2-5]\d\d .*\r\n\r\n\{.*\}/s);
      expect(answer).not.toMatch(/HTTP\/1\.1 5\d\d/);
      connection.socket.destroy();
    });
  });

  describe('large bodies, MAX_LARGE_BODIES (2) at once', () => {
    const TEN_MB = 10 * 1024 * 1024;

    const holdLargeBody = async (path: string, contentType: string) => {
      const connection = await openRaw(bed, 'hopital-org');
      connection.socket.write(
        head('POST', path, {
          Host: 'localhost',
          'Content-Type': contentType,
          'Content-Length': TEN_MB,
        }),
      );
      connection.socket.write(Buffer.alloc(64 * 1024, 0x20));
      return connection;
    };

    it("answers a third large body 503 with Retry-After at once, unread, in each door's terms", async () => {
      const holders = [
        await holdLargeBody('/fhir', 'application/fhir+json'),
        await holdLargeBody('/xds/repository', 'application/soap+xml'),
      ];
      await sleep(200);
      const fhir = await openRaw(bed, 'hopital-org');
      fhir.socket.write(
        head('POST', '/fhir', {
          Host: 'localhost',
          'Content-Type': 'application/fhir+json',
          'Content-Length': TEN_MB,
        }),
      );
      const fhirAnswer = await fhir.waitFor(/\r\n\r\n\{.*\}$/s);
      const chunked = await holdChunked(bed);
      const xds = await openRaw(bed, 'hopital-org');
      xds.socket.write(
        head('POST', '/xds/repository', {
          Host: 'localhost',
          'Content-Type': 'application/soap+xml',
          'Content-Length': TEN_MB,
        }),
      );
      const xdsAnswer = await xds.waitFor(/<\/soap:Envelope>/);
      const small = await fetch(`${bed.gateway.baseUrl}/health`, {
        dispatcher: bed.gateway.agent(),
      });

      expect(fhirAnswer).toMatch(/^HTTP\/1\.1 503 .*\r\nRetry-After: 5\r\n/is);
      const outcome = JSON.parse(fhirAnswer.slice(fhirAnswer.indexOf('\r\n\r\n') + 4)) as {
        issue: { code: string; details: { coding: { code: string }[] } }[];
      };
      expect(outcome.issue.map((issue) => [issue.code, issue.details.coding[0].code])).toEqual([
        ['transient', 'XDSRegistryBusy'],
      ]);
      expect(chunked).toMatch(/^HTTP\/1\.1 503 /);
      expect(xdsAnswer).toMatch(/^HTTP\/1\.1 503 /);
      expect(xdsAnswer).toMatch(/Retry-After: 5\r\n/i);
      expect(xdsAnswer).toMatch(/errorCode="XDSRepositoryBusy"/);
      expect(small.status).toBe(200);

      for (const holder of holders) holder.socket.destroy();
      await Promise.all(holders.map((holder) => holder.closed));
      await sleep(100);
      const admitted = await openRaw(bed, 'hopital-org');
      admitted.socket.write(
        head('POST', '/fhir', {
          Host: 'localhost',
          'Content-Type': 'application/fhir+json',
          'Content-Length': TEN_MB,
          Expect: '100-continue',
        }),
      );
      await admitted.waitFor(/^HTTP\/1\.1 100 Continue/);
      admitted.socket.destroy();
    });
  });
});

/** A GET naming another Host than the certificate's name (which TLS still checks). */
function getWithHost(
  bed: DmpTestBed,
  path: string,
  host: string,
): Promise<{ status: number; body: string }> {
  const certificate = bed.certificate('medecin-generaliste');
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(
      {
        host: '127.0.0.1',
        port: bed.gateway.gateway.port,
        servername: 'localhost',
        path,
        ca: readFileSync(bed.gateway.pki.caPath),
        cert: certificate.certPem,
        key: certificate.keyPem,
        agent: false,
        headers: { host },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.once('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.once('error', reject);
    outgoing.end();
  });
}

/** A chunked body (no declared length) counts as large. */
async function holdChunked(bed: DmpTestBed): Promise<string> {
  const connection = await openRaw(bed, 'hopital-org');
  connection.socket.write(
    head('POST', '/fhir', {
      Host: 'localhost',
      'Content-Type': 'application/fhir+json',
      'Transfer-Encoding': 'chunked',
    }),
  );
  connection.socket.write('4\r\n{ \r\n');
  const answer = await connection.waitFor(/\r\n\r\n\{.*\}/s);
  connection.socket.destroy();
  return answer;
}

describe('memory under concurrent large bodies, with the default limits', () => {
  let bed: DmpTestBed;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
  });

  afterAll(() => bed.close());

  it('holds 8 × 60 MB bodies sent at once within a bounded RSS', async () => {
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
    const statuses = await Promise.all(Array.from({ length: 8 }, () => postSixtyMegabytes(bed)));
    clearInterval(sampler);
    const growthMb = Math.round((peak - baseline) / 2 ** 20);
    console.info(`8 × 60 MB bodies at once: RSS +${growthMb} MB, answers ${statuses.join(' ')}`);
    expect(statuses.filter((status) => status === 503)).toHaveLength(4);
    expect(statuses.filter((status) => status >= 500 && status !== 503)).toEqual([]);
    expect(growthMb).toBeLessThan(1000);
  }, 120_000);
});

const SIXTY_MB = 60 * 1024 * 1024;

/** An ITI-65-shaped JSON body of 60 MB (one huge Binary), streamed from one reused chunk. */
function postSixtyMegabytes(bed: DmpTestBed): Promise<number> {
  const certificate = bed.certificate('hopital-org');
  const prefix = Buffer.from(
    '{"resourceType":"Bundle","type":"transaction","entry":[{"resource":' +
      '{"resourceType":"Binary","contentType":"text/plain","data":"',
  );
  const suffix = Buffer.from('"}}]}');
  const chunk = Buffer.alloc(1024 * 1024, 'A');
  const chunks = Math.floor((SIXTY_MB - prefix.length - suffix.length) / chunk.length);
  return new Promise((resolve) => {
    const outgoing = httpsRequest(
      {
        host: '127.0.0.1',
        port: bed.gateway.gateway.port,
        servername: 'localhost',
        path: '/fhir',
        method: 'POST',
        ca: readFileSync(bed.gateway.pki.caPath),
        cert: certificate.certPem,
        key: certificate.keyPem,
        agent: false,
        headers: {
          'content-type': 'application/fhir+json',
          'content-length': prefix.length + chunks * chunk.length + suffix.length,
        },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', () => resolve(-1));
    void (async () => {
      const write = (bytes: Buffer) =>
        outgoing.write(bytes)
          ? Promise.resolve()
          : new Promise((done) => outgoing.once('drain', done));
      await write(prefix);
      for (let index = 0; index < chunks && !outgoing.destroyed; index++) await write(chunk);
      outgoing.end(suffix);
    })();
  });
}
