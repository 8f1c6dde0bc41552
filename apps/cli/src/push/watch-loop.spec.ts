import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DropFolder, JOURNAL_FILE } from './drop-folder';
import { GatewayRejected, GatewayUnavailable } from './gateway-errors';
import type { PushSettings } from './prepare-document';
import type { Submission } from './submission';
import type { DocumentTransport } from './transport';
import { WatchEvent, WatchSchedule, watchFolder } from './watch-loop';

const CDA = join(__dirname, '../../../../fixtures/cda');
const SETTINGS: PushSettings = {
  overrides: {},
  uniqueIdRoot: '2.25',
  sourceId: '1.2.250.1.999.7',
  submitter: {
    institutions: [{ name: 'Laboratoire de Test' }],
    roles: [],
    specialties: [],
    telecom: [],
  },
};
const ONCE: WatchSchedule = { intervalMs: 0, settleMs: 0, once: true };
const RETRY = { attempts: 3, firstDelayMs: 1000, maxDelayMs: 60_000 };

/** A gateway that registers each uniqueId once, answering "already registered" afterwards. */
class FakeGateway implements DocumentTransport {
  readonly registered = new Map<string, Submission>();
  readonly failures: Error[] = [];
  calls = 0;

  provide(submission: Submission) {
    this.calls += 1;
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    const uniqueId = submission.document.uniqueId;
    const alreadyRegistered = this.registered.has(uniqueId);
    this.registered.set(uniqueId, submission);
    return Promise.resolve({ documentId: `doc-${this.registered.size}`, alreadyRegistered });
  }

  close() {
    return Promise.resolve();
  }
}

describe('watchFolder (drop folder delivery)', () => {
  let dir: string;
  let gateway: FakeGateway;
  let events: WatchEvent[];
  let sleeps: number[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-watch-'));
    gateway = new FakeGateway();
    events = [];
    sleeps = [];
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(schedule = ONCE, signal = new AbortController().signal) {
    return watchFolder(
      {
        folder: await DropFolder.open(dir),
        transport: gateway,
        settings: SETTINGS,
        retry: RETRY,
        signal,
        onEvent: (event) => events.push(event),
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
      },
      schedule,
    );
  }

  const drop = (fixture: string, name = fixture.split('/').pop()!) =>
    copyFileSync(join(CDA, fixture), join(dir, name));
  const list = (folder = '') => readdirSync(join(dir, folder)).sort();
  const journal = () =>
    readFileSync(join(dir, JOURNAL_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; file: string });

  it('pushes each dropped document once and files it in done/, with its metadata file', async () => {
    drop('written/CR-BIO_lab-report.xml');
    drop('written/VSM_patient-summary.xml');
    writeFileSync(
      join(dir, 'VSM_patient-summary.xml.meta.json'),
      JSON.stringify({ contentTypeCode: '07' }),
    );
    expect(await run()).toEqual({ sent: 2, failed: 0, pending: 0 });
    expect(gateway.registered.size).toBe(2);
    expect(list('done')).toEqual([
      'CR-BIO_lab-report.xml',
      'VSM_patient-summary.xml',
      'VSM_patient-summary.xml.meta.json',
    ]);
    expect(list('.processing')).toEqual([]);
    expect(journal().map(({ event, file }) => `${event} ${file}`)).toEqual([
      'claimed CR-BIO_lab-report.xml',
      'claimed VSM_patient-summary.xml',
      'sent CR-BIO_lab-report.xml',
      'sent VSM_patient-summary.xml',
    ]);
  });

  it('files a refused document in failed/ with an error report naming the problems', async () => {
    drop('written/not-ok/CR-BIO_header-errors.xml');
    expect(await run()).toEqual({ sent: 0, failed: 1, pending: 0 });
    expect(list('failed')).toEqual([
      'CR-BIO_header-errors.xml',
      'CR-BIO_header-errors.xml.error.json',
    ]);
    const report = JSON.parse(
      readFileSync(join(dir, 'failed/CR-BIO_header-errors.xml.error.json'), 'utf8'),
    ) as { file: string; problems: string[]; error: string };
    expect(report.file).toBe('CR-BIO_header-errors.xml');
    expect(report.problems[0]).toMatch(/^recordTarget\/patientRole\/id .*wrong key$/);
    expect(gateway.calls).toBe(0);
  });

  it("keeps the gateway's OperationOutcome in the report of a 4xx, without retrying", async () => {
    drop('written/CR-BIO_lab-report.xml');
    const outcome = {
      resourceType: 'OperationOutcome' as const,
      issue: [
        { severity: 'error' as const, code: 'not-found' as const, diagnostics: 'No open record' },
      ],
    };
    gateway.failures.push(new GatewayRejected(404, outcome));
    expect(await run()).toEqual({ sent: 0, failed: 1, pending: 0 });
    const report = JSON.parse(
      readFileSync(join(dir, 'failed/CR-BIO_lab-report.xml.error.json'), 'utf8'),
    ) as { status: number; operationOutcome: unknown; error: string };
    expect(report).toMatchObject({ status: 404, operationOutcome: outcome });
    expect(report.error).toBe('The gateway refused it (HTTP 404): No open record');
    expect(gateway.calls).toBe(1);
  });

  it('retries network and 5xx failures with exponential backoff', async () => {
    drop('written/CR-BIO_lab-report.xml');
    gateway.failures.push(
      new GatewayUnavailable('connect ECONNREFUSED'),
      new GatewayUnavailable('HTTP 503'),
    );
    expect(await run()).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(sleeps).toEqual([1000, 2000]);
    expect(events.map((event) => event.event)).toEqual(['retrying', 'retrying', 'sent']);
  });

  it('leaves a document in .processing/ when the gateway stays away, and resumes it next run', async () => {
    drop('written/CR-BIO_lab-report.xml');
    gateway.failures.push(...Array.from({ length: 3 }, () => new GatewayUnavailable('down')));
    expect(await run()).toEqual({ sent: 0, failed: 0, pending: 1 });
    expect(list('.processing')).toEqual(['CR-BIO_lab-report.xml']);

    events = [];
    expect(await run()).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(events.map((event) => event.event)).toEqual(['resumed', 'sent']);
    expect(list('done')).toEqual(['CR-BIO_lab-report.xml']);
  });

  it('sends again without duplicate a document a crash left in .processing/ after sending it', async () => {
    drop('written/CR-BIO_lab-report.xml');
    await run();
    copyFileSync(
      join(dir, 'done/CR-BIO_lab-report.xml'),
      join(dir, '.processing/CR-BIO_lab-report.xml'),
    );

    expect(await run()).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(gateway.registered.size).toBe(1);
    expect(events.at(-1)).toMatchObject({ event: 'sent', alreadyRegistered: true });
    expect(list('done')).toEqual(['CR-BIO_lab-report-2.xml', 'CR-BIO_lab-report.xml']);
  });

  it('waits for files to settle and ignores files being written', async () => {
    drop('written/CR-BIO_lab-report.xml');
    drop('written/VSM_patient-summary.xml', 'VSM.xml.part');
    drop('written/LDL-SES_discharge-letter.xml', '.LDL.xml');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'CR-BIO_lab-report.xml'), past, past);
    drop('written/VSM_patient-summary.xml');
    expect(await run({ ...ONCE, settleMs: 10_000 })).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(list()).toEqual(
      expect.arrayContaining(['.LDL.xml', 'VSM.xml.part', 'VSM_patient-summary.xml']),
    );
    expect(existsSync(join(dir, 'done/CR-BIO_lab-report.xml'))).toBe(true);
  });

  it('keeps watching pass after pass until stopped', async () => {
    const stop = new AbortController();
    let passes = 0;
    drop('written/CR-BIO_lab-report.xml');
    const summary = await watchFolder(
      {
        folder: await DropFolder.open(dir),
        transport: gateway,
        settings: SETTINGS,
        retry: RETRY,
        signal: stop.signal,
        onEvent: (event) => events.push(event),
        sleep: () => {
          passes += 1;
          if (passes === 1) drop('written/VSM_patient-summary.xml');
          else stop.abort();
          return Promise.resolve();
        },
      },
      { intervalMs: 5000, settleMs: 0, once: false },
    );
    expect(summary).toEqual({ sent: 2, failed: 0, pending: 0 });
    expect(list('done')).toEqual(['CR-BIO_lab-report.xml', 'VSM_patient-summary.xml']);
  });

  it('puts off the next pass of a document the gateway could not take', async () => {
    const stop = new AbortController();
    let passes = 0;
    drop('written/CR-BIO_lab-report.xml');
    gateway.failures.push(...Array.from({ length: 6 }, () => new GatewayUnavailable('down')));
    const summary = await watchFolder(
      {
        folder: await DropFolder.open(dir),
        transport: gateway,
        settings: SETTINGS,
        retry: RETRY,
        signal: stop.signal,
        onEvent: (event) => events.push(event),
        sleep: (ms) => {
          if (ms === 5000 && ++passes === 3) stop.abort();
          return Promise.resolve();
        },
      },
      { intervalMs: 5000, settleMs: 0, once: false },
    );
    expect(summary).toEqual({ sent: 0, failed: 0, pending: 1 });
    expect(gateway.calls).toBe(RETRY.attempts);
    expect(events.map((event) => event.event)).toEqual(['retrying', 'retrying', 'pending']);
  });

  it('refuses a drop folder that does not exist', async () => {
    await expect(DropFolder.open(join(dir, 'missing'))).rejects.toThrow(/^Not a folder: /);
  });
});
