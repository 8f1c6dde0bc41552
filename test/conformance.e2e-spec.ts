import { Client } from 'fhir-kit-client';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXml } from '@passerelle/xds';
import { EXIT, runConformanceCli } from '../conformance/runner/cli';
import type { FhirKitClientClass } from '../conformance/runner/fhir-exchange';
import type { SuiteResult } from '../conformance/runner/results';
import { defaultSuiteRoots } from '../conformance/runner/suite-files';
import { runSuite } from '../conformance/runner/suite-runner';
import { TestGateway, startTestGateway } from './support/test-gateway';

// Under Jest, fhir-kit-client comes through the moduleNameMapper; the CLI imports it itself.
const FhirClient: FhirKitClientClass = Client;

function failuresOf(result: SuiteResult) {
  return result.cases
    .filter((c) => c.outcome === 'failed')
    .map((c) => ({ id: c.id, steps: c.steps.filter((s) => s.outcome === 'failed') }))
    .map(({ id, steps }) => ({ id, mismatches: steps.flatMap((s) => s.mismatches) }));
}

/**
 * A server that answers every transaction wrongly (FHIR 422 OperationOutcome, XDS Failure,
 * an R3 CapabilityStatement) but opens records, so that cases reach their real checks.
 */
function wrongEndpoint(gateway: TestGateway): Promise<{ server: Server; url: string }> {
  const server = createServer(
    {
      cert: readFileSync(gateway.pki.serverCertPath),
      key: readFileSync(gateway.pki.serverKeyPath),
    },
    (request, response) => {
      request.resume();
      request.on('end', () => {
        const url = request.url ?? '';
        if (url.startsWith('/xds/')) {
          response.writeHead(200, { 'content-type': 'application/soap+xml' });
          response.end(
            '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>' +
              '<rs:RegistryResponse xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" ' +
              'status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure"><rs:RegistryErrorList>' +
              '<rs:RegistryError errorCode="XDSRegistryError" codeContext="wrong on purpose"/>' +
              '</rs:RegistryErrorList></rs:RegistryResponse></soap:Body></soap:Envelope>',
          );
          return;
        }
        const [status, body] =
          url === '/fhir/Patient'
            ? [201, { resourceType: 'Patient', id: 'wrong' }]
            : url === '/fhir/metadata'
              ? [
                  200,
                  { resourceType: 'CapabilityStatement', fhirVersion: '3.0.2', kind: 'instance' },
                ]
              : [
                  422,
                  {
                    resourceType: 'OperationOutcome',
                    issue: [{ severity: 'error', code: 'processing' }],
                  },
                ];
        response.writeHead(status, { 'content-type': 'application/fhir+json' });
        response.end(JSON.stringify(body));
      });
    },
  );
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `https://localhost:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe('conformance suite (conformance/) against the gateway on PostgreSQL', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(() => gateway.close());

  it('passes every case against a freshly started gateway, skipping none', async () => {
    const result = await runSuite(
      {
        target: gateway.baseUrl,
        endpoints: {
          fhir: gateway.fhirUrl,
          registry: `${gateway.baseUrl}/xds/registry`,
          repository: `${gateway.baseUrl}/xds/repository`,
        },
        identities: { pkiDir: gateway.pki.dir },
        timeoutMs: 30_000,
        only: [],
        roots: defaultSuiteRoots(),
      },
      FhirClient,
    );

    expect(failuresOf(result)).toEqual([]);
    expect(
      result.cases.filter((c) => c.outcome === 'skipped').map((c) => `${c.id}: ${c.reason}`),
    ).toEqual([]);
    expect(result.cases.length).toBeGreaterThan(205);
    const passedStep = result.cases.find((c) => c.id === 'xds/nist-11966-iti41-mtom')!.steps[1];
    expect(passedStep.exchanges[0].response!.status).toBe(200);
  });

  describe('against a deliberately wrong endpoint', () => {
    let wrong: { server: Server; url: string };
    let reports: string;

    beforeAll(async () => {
      wrong = await wrongEndpoint(gateway);
      reports = mkdtempSync(join(tmpdir(), 'conformance-reports-'));
    });

    afterAll(() => {
      rmSync(reports, { recursive: true, force: true });
      return new Promise<void>((resolve) => wrong.server.close(() => resolve()));
    });

    it('reports each failure with expected vs actual and the messages, exits non-zero, writes JUnit and HTML', async () => {
      const output: string[] = [];
      const terminal = { write: (text: string) => output.push(text) };
      const junit = join(reports, 'junit.xml');
      const html = join(reports, 'report.html');
      const exitCode = await runConformanceCli(
        [
          '--target',
          wrong.url,
          '--pki-dir',
          gateway.pki.dir,
          '--only',
          'mhd/capability-statement,xds/nist-12029-iti43-retrieve',
          '--report',
          junit,
          '--html',
          html,
        ],
        { stdout: terminal, stderr: terminal },
        () => Promise.resolve(FhirClient),
      );

      expect(exitCode).toBe(EXIT.failed);
      const text = output.join('');
      expect(text).toMatch(/FAIL {2}mhd\/capability-statement/);
      expect(text).toContain('expected: "4.0.1"');
      expect(text).toContain('actual:   "3.0.2"');
      expect(text).toMatch(
        /registry response status\s+expected: Success\s+actual: {3}Failure \(XDSRegistryError/,
      );
      expect(text).toMatch(
        /SKIP {2}xds\/nist-12029-iti43-retrieve .* depends on xds\/nist-11966-iti41-mtom, which failed/,
      );
      expect(text).toContain('3 cases against');

      const report = parseXml(readFileSync(junit));
      expect(report.attributes).toMatchObject({ tests: '3', failures: '2', skipped: '1' });
      const junitText = readFileSync(junit, 'utf8');
      expect(junitText).toContain('expected Success, actual Failure');
      expect(junitText).toContain('POST ' + wrong.url + '/xds/repository');
      const page = readFileSync(html, 'utf8');
      expect(page).toContain('<td>registry response status</td><td>Success</td>');
      expect(page).toContain('wrong on purpose');
      expect(page).not.toMatch(/<script|<link /);
    });

    it('refuses to run without a target, an identity or a case to run (exit 2)', async () => {
      const output: string[] = [];
      const io = {
        stdout: { write: (text: string) => output.push(text) },
        stderr: { write: (text: string) => output.push(text) },
      };
      const run = (...argv: string[]) =>
        runConformanceCli(argv, io, () => Promise.resolve(FhirClient));
      expect(await run('--pki-dir', gateway.pki.dir)).toBe(EXIT.invalid);
      expect(await run('--target', wrong.url)).toBe(EXIT.invalid);
      expect(
        await run('--target', wrong.url, '--pki-dir', gateway.pki.dir, '--only', 'xds/nowhere'),
      ).toBe(EXIT.invalid);
      const text = output.join('');
      expect(text).toContain('--target <url> is required');
      expect(text).toContain('No feeding identity');
      expect(text).toContain('--only xds/nowhere matches no case');
    });
  });
});
