import { createRootCa, issueCertificate } from '@passerelle/platform';
import { freshOid, freshPatient } from '@passerelle/testing';
import { ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestGateway, startTestGateway } from './support/test-gateway';

const CLI = join(__dirname, '../dist/apps/cli/apps/cli/src/main.js');
const WRITTEN = join(__dirname, '../fixtures/cda/written');
const SOURCE_ID = '1.2.250.1.999.7';
const FIXTURE_INS = {
  'CR-BIO_lab-report.xml': '184057512345625',
  'LDL-SES_discharge-letter.xml': '252096345678947',
  'VSM_patient-summary.xml': '169016901234531',
} as const;

type Written = keyof typeof FIXTURE_INS;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface DocumentFound {
  id: string;
  uniqueId: string;
  typeCode: string;
  classCode: string;
  formatCode: string;
  mimeType: string;
  size: number;
}

/** The built CLI in its own process; asynchronous, so that the in-process gateway keeps serving. */
function start(args: readonly string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) =>
    child.once('close', (status) => resolve({ status, stdout, stderr })),
  );
  return { child, done };
}

const passerelle = (...args: string[]) => start(args).done;

/** A written CDA instantiated for this run: its patient, and a document id never used before. */
function instantiate(fixture: Written, nir: string): Buffer {
  const text = readFileSync(join(WRITTEN, fixture), 'utf8')
    .replace(`extension="${FIXTURE_INS[fixture]}"`, `extension="${nir}"`)
    .replace(/<id root="1\.2\.250\.1\.999\.[0-9.]+"/, `<id root="${freshOid()}"`);
  return Buffer.from(text);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('passerelle push / watch / query / get against the gateway (mutual TLS, PostgreSQL)', () => {
  let gateway: TestGateway;
  let work: string;
  let connection: (persona: string) => string[];

  beforeAll(async () => {
    gateway = await startTestGateway();
    work = mkdtempSync(join(tmpdir(), 'passerelle-cli-push-'));
    connection = (persona) => {
      const files = gateway.pki.personas[persona];
      return [
        '--server',
        gateway.baseUrl,
        '--cert',
        files.certPath,
        '--key',
        files.keyPath,
        '--ca',
        gateway.pki.caPath,
      ];
    };
  });

  afterAll(async () => {
    await gateway.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function openRecord(): Promise<{ nir: string; oid: string }> {
    const patient = freshPatient();
    const oid = patient.system.slice('urn:oid:'.length);
    const opened = await passerelle(
      'record',
      'open',
      patient.nir,
      '--oid',
      oid,
      ...connection('medecin-generaliste'),
    );
    expect(opened.status).toBe(0);
    return { nir: patient.nir, oid };
  }

  async function documentsOf(patient: { nir: string; oid: string }): Promise<DocumentFound[]> {
    const found = await passerelle(
      'query',
      patient.nir,
      '--oid',
      patient.oid,
      '--json',
      ...connection('medecin-generaliste'),
    );
    expect(found.stderr).toBe('');
    expect(found.status).toBe(0);
    return JSON.parse(found.stdout) as DocumentFound[];
  }

  it('pushes a CDA lab report, finds it, and downloads it byte-identical', async () => {
    const patient = await openRecord();
    const report = join(work, 'CR-BIO.xml');
    writeFileSync(report, instantiate('CR-BIO_lab-report.xml', patient.nir));
    const push = () =>
      passerelle(
        'push',
        report,
        '--source-id',
        SOURCE_ID,
        '--json',
        ...connection('laboratoire-org'),
      );

    const pushed = await push();
    expect(pushed.stderr).toBe('');
    expect(pushed.status).toBe(0);
    const [result] = (JSON.parse(pushed.stdout) as { pushed: Record<string, unknown>[] }).pushed;
    expect(result).toMatchObject({ file: report, alreadyRegistered: false });

    const again = await push();
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      pushed: [
        { documentId: result.documentId, uniqueId: result.uniqueId, alreadyRegistered: true },
      ],
    });

    const documents = await documentsOf(patient);
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      id: result.documentId,
      uniqueId: result.uniqueId,
      typeCode: "11502-2 CR d'examens biologiques",
      classCode: '10 Compte rendu',
      formatCode: 'urn:ihe:lab:xd-lab:2008',
      mimeType: 'text/xml',
      size: readFileSync(report).length,
    });

    const copy = join(work, 'downloaded.xml');
    const got = await passerelle(
      'get',
      String(result.documentId),
      '--output',
      copy,
      ...connection('medecin-generaliste'),
    );
    expect(got.status).toBe(0);
    expect(got.stdout).toContain(`→ ${copy}`);
    expect(readFileSync(copy).equals(readFileSync(report))).toBe(true);
  });

  it.each([
    ['MHD', []],
    ['XDS.b', ['--xds']],
  ])(
    'pushes with --sign over %s: the signature document goes with it and the gateway names the signer',
    async (_door, transport) => {
      const patient = await openRecord();
      const report = join(work, `CR-BIO-signed-${transport.length}.xml`);
      writeFileSync(report, instantiate('CR-BIO_lab-report.xml', patient.nir));
      const pushed = await passerelle(
        'push',
        report,
        ...transport,
        '--sign',
        '--source-id',
        SOURCE_ID,
        '--json',
        ...connection('laboratoire-org'),
      );
      expect(pushed.stderr).toBe('');
      expect(pushed.status).toBe(0);
      const [result] = (JSON.parse(pushed.stdout) as { pushed: Record<string, unknown>[] }).pushed;
      const documents = await documentsOf(patient);
      expect(documents.map((document) => document.formatCode).sort()).toEqual([
        'urn:ihe:iti:dsg:detached:2014',
        'urn:ihe:lab:xd-lab:2008',
      ]);
      const reference = (await gateway
        .fhir('medecin-generaliste')
        .read({ resourceType: 'DocumentReference', id: String(result.documentId) })) as {
        extension?: { url: string; extension?: { url: string; valueString?: string }[] }[];
      };
      const signedBy = reference.extension?.find((e) => e.url.endsWith('dsg-signed-by'));
      expect(signedBy?.extension?.[0]).toEqual({
        url: 'name',
        valueString: 'Système de gestion de laboratoire (Laboratoire de Biologie Médicale de Test)',
      });
    },
  );

  it('refuses a push signed by a certificate the gateway does not trust, storing nothing', async () => {
    const patient = await openRecord();
    const report = join(work, 'CR-BIO-untrusted.xml');
    writeFileSync(report, instantiate('CR-BIO_lab-report.xml', patient.nir));
    const stranger = createRootCa('Untrusted CLI signer CA');
    const signer = issueCertificate(stranger, {
      subject: [[{ type: 'CN', value: 'Outsider' }]],
      kind: 'client',
    });
    const [signCert, signKey] = [join(work, 'outsider.pem'), join(work, 'outsider-key.pem')];
    writeFileSync(signCert, signer.certPem);
    writeFileSync(signKey, signer.keyPem);
    const pushed = await passerelle(
      'push',
      report,
      '--sign',
      '--sign-cert',
      signCert,
      '--sign-key',
      signKey,
      '--source-id',
      SOURCE_ID,
      ...connection('laboratoire-org'),
    );
    expect(pushed.status).not.toBe(0);
    expect(pushed.stderr).toMatch(/signature refused: .*does not lead to a trusted CA/);
    expect(await documentsOf(patient)).toEqual([]);
  });

  it('pushes a CDA over XDS.b (ITI-41, MTOM) with --xds, found and read back through MHD', async () => {
    const patient = await openRecord();
    const report = join(work, 'CR-BIO-xds.xml');
    writeFileSync(report, instantiate('CR-BIO_lab-report.xml', patient.nir));
    const pushed = await passerelle(
      'push',
      report,
      '--xds',
      '--source-id',
      SOURCE_ID,
      '--json',
      ...connection('laboratoire-org'),
    );
    expect(pushed.stderr).toBe('');
    expect(pushed.status).toBe(0);
    const [result] = (JSON.parse(pushed.stdout) as { pushed: Record<string, unknown>[] }).pushed;
    const [document] = await documentsOf(patient);
    expect(document).toMatchObject({
      id: result.documentId,
      uniqueId: result.uniqueId,
      formatCode: 'urn:ihe:lab:xd-lab:2008',
      size: readFileSync(report).length,
    });
    const copy = join(work, 'downloaded-xds.xml');
    const got = await passerelle(
      'get',
      String(result.documentId),
      '--output',
      copy,
      ...connection('medecin-generaliste'),
    );
    expect(got.status).toBe(0);
    expect(readFileSync(copy).equals(readFileSync(report))).toBe(true);

    const unknown = join(work, 'no-record-xds.xml');
    writeFileSync(unknown, instantiate('CR-BIO_lab-report.xml', freshPatient().nir));
    const refused = await passerelle(
      'push',
      unknown,
      '--xds',
      '--source-id',
      SOURCE_ID,
      ...connection('laboratoire-org'),
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/XDSUnknownPatientId/);
  });

  it('refuses a malformed CDA with exit 2 and a message naming the problem', async () => {
    const refused = await passerelle(
      'push',
      join(WRITTEN, 'not-ok/CR-BIO_header-errors.xml'),
      '--source-id',
      SOURCE_ID,
      ...connection('laboratoire-org'),
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      /recordTarget\/patientRole\/id \(INS, root 1\.2\.250\.1\.213\.1\.4\.10\): INS matricule 184057512345626 has a wrong key/,
    );
    expect(refused.stderr).toMatch(
      /effectiveTime@value: "2024-03-12T14:30:00\+01:00" is not an HL7 date-time/,
    );
  });

  it("reports the gateway's refusal of a patient without a record, with its XDS code", async () => {
    const report = join(work, 'no-record.xml');
    writeFileSync(report, instantiate('CR-BIO_lab-report.xml', freshPatient().nir));
    const refused = await passerelle(
      'push',
      report,
      '--source-id',
      SOURCE_ID,
      ...connection('laboratoire-org'),
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/The gateway refused it \(HTTP 404\): XDSUnknownPatientId/);
  });

  it('delivers a watched folder once, across a watcher killed in the middle', async () => {
    const patient = await openRecord();
    const inbox = join(work, 'inbox');
    mkdirSync(inbox);
    const documents: Written[] = [
      'CR-BIO_lab-report.xml',
      'LDL-SES_discharge-letter.xml',
      'VSM_patient-summary.xml',
    ];
    documents.forEach((fixture) =>
      writeFileSync(join(inbox, fixture), instantiate(fixture, patient.nir)),
    );
    writeFileSync(
      join(inbox, 'scan.pdf.meta.json'),
      JSON.stringify({
        ins: patient.nir,
        insOid: patient.oid,
        typeCode: '11488-4',
        healthcareFacilityTypeCode: 'SA01',
        practiceSettingCode: 'ETABLISSEMENT',
        contentTypeCode: '07',
        serviceStartTime: '2024-05-02',
      }),
    );
    writeFileSync(join(inbox, 'scan.pdf'), `%PDF-1.7 ${freshOid()}`);
    const watchArgs = [
      'watch',
      inbox,
      '--source-id',
      SOURCE_ID,
      '--settle',
      '0',
      '--retry-delay',
      '0.2',
    ];
    const doneCount = () =>
      existsSync(join(inbox, 'done'))
        ? readdirSync(join(inbox, 'done')).filter((name) => !name.endsWith('.meta.json')).length
        : 0;

    const watcher = start([...watchArgs, '--interval', '0.2', ...connection('laboratoire-org')]);
    await waitFor(() => doneCount() >= 1, 'a first document in done/');
    watcher.child.kill('SIGKILL');
    await watcher.done;
    expect(readdirSync(join(inbox, '.processing')).length).toBeGreaterThan(0);
    writeFileSync(
      join(inbox, 'broken.xml'),
      readFileSync(join(WRITTEN, 'not-ok/CR-BIO_header-errors.xml')),
    );

    const restarted = await passerelle(
      ...watchArgs,
      '--once',
      '--json',
      ...connection('laboratoire-org'),
    );
    expect(restarted.status).toBe(1);
    expect(restarted.stderr).toContain('1 documents failed (see failed/), 0 left to retry');
    expect(readdirSync(join(inbox, 'done')).sort()).toEqual(
      [...documents, 'scan.pdf', 'scan.pdf.meta.json'].sort(),
    );
    expect(readdirSync(join(inbox, '.processing'))).toEqual([]);
    expect(readdirSync(join(inbox, 'failed')).sort()).toEqual([
      'broken.xml',
      'broken.xml.error.json',
    ]);
    const errorReport = JSON.parse(
      readFileSync(join(inbox, 'failed/broken.xml.error.json'), 'utf8'),
    ) as { problems: string[] };
    expect(errorReport.problems[0]).toMatch(/^recordTarget\/patientRole\/id .* wrong key$/);

    const found = await documentsOf(patient);
    expect(found).toHaveLength(4);
    expect(new Set(found.map((document) => document.uniqueId)).size).toBe(4);
    expect(found.map((document) => document.classCode).sort()).toEqual([
      '10 Compte rendu',
      '10 Compte rendu',
      '11 Synthèse',
      '11 Synthèse',
    ]);

    writeFileSync(join(inbox, 'again.xml'), readFileSync(join(inbox, 'done', documents[0])));
    const resent = await passerelle(
      ...watchArgs,
      '--once',
      '--json',
      ...connection('laboratoire-org'),
    );
    expect(resent.status).toBe(0);
    expect(JSON.parse(resent.stdout.trim())).toMatchObject({
      event: 'sent',
      alreadyRegistered: true,
    });
    expect(await documentsOf(patient)).toHaveLength(4);
  }, 120_000);
});
