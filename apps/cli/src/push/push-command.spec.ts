import { ensureDevPki } from '@passerelle/platform';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../cli-error';
import type { CliIo } from '../cli-io';
import { runCli } from '../cli';

const CDA = join(__dirname, '../../../../fixtures/cda');
const LAB_REPORT = join(CDA, 'written/CR-BIO_lab-report.xml');
const SOURCE = ['--source-id', '1.2.250.1.999.7'];

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = { out: '', err: '' };
  const io: CliIo = {
    out: (text) => (output.out += text),
    err: (text) => (output.err += text),
  };
  const code = await runCli(['node', 'passerelle', ...args], io);
  return { code, ...output };
}

describe('passerelle push / watch / query / get (without a gateway)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-push-cli-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has help with examples on every command', async () => {
    for (const command of ['push', 'watch', 'query', 'get']) {
      const { code, out } = await run(command, '--help');
      expect(code).toBe(EXIT.OK);
      expect(out).toContain('Examples:');
    }
  });

  it('prints the metadata a dry run would send, as JSON for scripts', async () => {
    const { code, out } = await run('push', LAB_REPORT, ...SOURCE, '--dry-run', '--json');
    expect(code).toBe(EXIT.OK);
    const [document] = JSON.parse(out) as {
      kind: string;
      document: Record<string, unknown>;
      submissionSet: Record<string, unknown>;
    }[];
    expect(document.kind).toBe('CDA');
    expect(document.document).toMatchObject({
      patient: { ins: '184057512345625', oid: '1.2.250.1.213.1.4.10' },
      uniqueId: '1.2.250.1.999.4.1.2024.3^CRBIO-000123',
      classCode: { code: '10' },
      creationTime: '2024-03-12T13:30:00.000Z',
    });
    expect(document.submissionSet).toMatchObject({
      sourceId: '1.2.250.1.999.7',
      contentTypeCode: { code: '07' },
    });
  });

  it("makes the ORG certificate's establishment the submitter in a readable dry run", async () => {
    const pki = ensureDevPki(join(dir, 'pki'));
    const lab = pki.personas['laboratoire-org'];
    const { code, out } = await run(
      'push',
      LAB_REPORT,
      ...SOURCE,
      '--dry-run',
      '--cert',
      lab.certPath,
    );
    expect(code).toBe(EXIT.OK);
    expect(out).toContain('would be sent with:');
    expect(out).toMatch(/formatCode {6}urn:ihe:lab:xd-lab:2008/);
    expect(out).toContain('submitter       Laboratoire de Biologie Médicale de Test [1690000000]');
  });

  it('refuses a faulty document with exit 2, naming the problem', async () => {
    const { code, err } = await run(
      'push',
      join(CDA, 'written/not-ok/CR-BIO_header-errors.xml'),
      ...SOURCE,
      '--dry-run',
    );
    expect(code).toBe(EXIT.INVALID);
    expect(err).toMatch(/CR-BIO_header-errors\.xml: recordTarget\/patientRole\/id .* wrong key/);
  });

  it('says what --server and --source-id need', async () => {
    const noServer = await run('push', LAB_REPORT, ...SOURCE);
    expect(noServer.code).toBe(EXIT.INVALID);
    expect(noServer.err).toContain("--server is required: the gateway's https:// URL");
    const noSource = await run('push', LAB_REPORT, '--dry-run');
    expect(noSource.code).toBe(EXIT.INVALID);
    expect(noSource.err).toContain("required option '--source-id <oid>' not specified");
    const badSource = await run('push', LAB_REPORT, '--source-id', 'lab', '--dry-run');
    expect(badSource.err).toContain('--source-id must be an OID');
  });

  it('refuses an assertion that is not a JWS', async () => {
    const assertion = join(dir, 'assertion.txt');
    writeFileSync(assertion, 'not a token');
    const { code, err } = await run(
      'query',
      '277069912345674',
      '--server',
      'https://localhost:8443',
      '--cert',
      'c.pem',
      '--key',
      'k.pem',
      '--assertion',
      assertion,
    );
    expect(code).toBe(EXIT.INVALID);
    expect(err).toContain('--assertion must hold a JWS in compact form');
  });

  it('refuses --output with several ids', async () => {
    const { code, err } = await run('get', 'a', 'b', '--output', 'x.pdf', '--server', 'https://h');
    expect(code).toBe(EXIT.INVALID);
    expect(err).toContain('--output names one file');
  });
});
