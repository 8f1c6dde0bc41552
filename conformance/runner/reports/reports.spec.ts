import { parseXml } from '../xml';
import type { SuiteResult } from '../results';
import { exitCodeOf } from '../results';
import { bodyText } from './exchange-text';
import { htmlReport } from './html-report';
import { junitReport } from './junit-report';
import { ProgressDisplay, terminalSummary } from './terminal-report';

const exchange = {
  request: {
    method: 'POST',
    url: 'https://host/xds/registry',
    headers: { 'content-type': 'application/soap+xml' },
    body: Buffer.from('<q a="1">&</q>\u0001'),
  },
  response: { status: 200, headers: {}, body: Buffer.from('<rs status="Failure"/>') },
  durationMs: 12,
};

const result: SuiteResult = {
  target: 'https://host',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1500,
  cases: [
    { id: 'mhd/ok', title: 'Fine', origin: 'ours', outcome: 'passed', steps: [], durationMs: 10 },
    {
      id: 'xds/broken',
      title: 'A <broken> "case"',
      origin: 'NIST 11966',
      outcome: 'failed',
      durationMs: 20,
      steps: [
        {
          id: 'submit',
          title: 'Submit',
          transaction: 'ITI-42',
          outcome: 'failed',
          mismatches: [
            { check: 'registry response status', expected: 'Success', actual: 'Failure <&>' },
          ],
          exchanges: [exchange],
        },
      ],
    },
    {
      id: 'xds/later',
      title: 'Later',
      origin: 'ours',
      outcome: 'skipped',
      reason: 'depends on xds/broken, which failed',
      steps: [],
      durationMs: 0,
    },
  ],
};

describe('reports', () => {
  it('JUnit XML: well-formed despite markup and control characters, one testsuite per area', () => {
    const xml = junitReport(result);
    const root = parseXml(xml);
    expect(root.attributes).toMatchObject({ tests: '3', failures: '1', skipped: '1' });
    expect(root.children.map((suite) => suite.attributes.name)).toEqual(['mhd', 'xds']);
    const [broken, later] = root.children[1].children;
    const failure = broken.children.find((child) => child.local === 'failure')!;
    expect(failure.attributes.message).toBe(
      'step submit (ITI-42): registry response status: expected Success, actual Failure <&>',
    );
    expect(failure.text).toContain('origin: NIST 11966');
    expect(broken.children.find((child) => child.local === 'system-out')!.text).toContain(
      '>>> POST https://host/xds/registry',
    );
    expect(later.children[0]).toMatchObject({
      local: 'skipped',
      attributes: { message: 'depends on xds/broken, which failed' },
    });
  });

  it('HTML: self-contained, escaped, failures open with expected vs actual', () => {
    const html = htmlReport(result);
    expect(html).toContain('A &lt;broken&gt; &quot;case&quot;');
    expect(html).toContain(
      '<td>registry response status</td><td>Success</td><td class="failed">Failure &lt;&amp;&gt;</td>',
    );
    expect(html).toContain('<details class="case" open>');
    expect(html).toContain('Skipped: depends on xds/broken, which failed');
    expect(html).not.toMatch(/<script|<link |src=/);
  });

  it('terminal: a line per case, then every failure with expected vs actual', () => {
    const lines: string[] = [];
    const progress = new ProgressDisplay(
      { write: (t) => lines.push(t) },
      { write: (t) => lines.push(t) },
    );
    result.cases.forEach((each) => progress.finished(each));
    expect(lines).toEqual([
      'PASS  mhd/ok (10 ms)\n',
      'FAIL  xds/broken (20 ms)\n',
      'SKIP  xds/later (0 ms) — depends on xds/broken, which failed\n',
    ]);
    const summary = terminalSummary(result);
    expect(summary).toContain(
      'registry response status\n        expected: Success\n        actual:   Failure <&>',
    );
    expect(summary).toContain(
      '3 cases against https://host: 1 passed, 1 failed, 1 skipped (1.5 s)',
    );
  });

  it('draws the progress bar only on a terminal', () => {
    const bar: string[] = [];
    new ProgressDisplay(
      { write: () => undefined },
      { write: (t) => bar.push(t), isTTY: true },
    ).started('xds/a', 1, 4);
    expect(bar[0]).toContain('1/4 xds/a');
    const piped: string[] = [];
    new ProgressDisplay({ write: () => undefined }, { write: (t) => piped.push(t) }).started(
      'xds/a',
      1,
      4,
    );
    expect(piped).toEqual([]);
  });

  it('exits non-zero exactly when a case failed', () => {
    expect(exitCodeOf(result)).toBe(1);
    expect(exitCodeOf({ ...result, cases: [result.cases[0], result.cases[2]] })).toBe(0);
  });

  it('shows bodies as text, binary ones as a digest', () => {
    expect(bodyText(Buffer.from('Compte\u0001rendu'))).toBe('Compte·rendu');
    expect(bodyText(Buffer.from([0, 1, 2, 3, 255, 254, 0, 9]))).toMatch(
      /^\[8 bytes, SHA-1 [0-9a-f]{40}\]$/,
    );
  });
});
