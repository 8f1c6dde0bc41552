import type { CaseResult, SuiteResult } from '../results';
import { countOutcomes } from '../results';

/** Where terminal output goes; a TTY gets colours and a live progress bar. */
export interface Terminal {
  write(text: string): void;
  readonly isTTY?: boolean;
}

const BAR_WIDTH = 30;
const COLOURS = { passed: '\x1b[32m', failed: '\x1b[31m', skipped: '\x1b[33m', reset: '\x1b[0m' };
const LABELS = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' } as const;

/**
 * A progress bar redrawn on one line of a TTY (stderr), and one line per finished case (stdout),
 * so that piped output stays a plain log.
 */
export class ProgressDisplay {
  constructor(
    private readonly log: Terminal,
    private readonly bar: Terminal,
  ) {}

  started(id: string, index: number, total: number): void {
    if (!this.bar.isTTY) return;
    const done = Math.round((index / Math.max(total, 1)) * BAR_WIDTH);
    const line = `[${'█'.repeat(done)}${'░'.repeat(BAR_WIDTH - done)}] ${index}/${total} ${id}`;
    this.bar.write(`\r\x1b[K${line}`);
  }

  finished(result: CaseResult): void {
    if (this.bar.isTTY) this.bar.write('\r\x1b[K');
    const reason = result.reason ? ` — ${result.reason}` : '';
    this.log.write(
      `${this.paint(result.outcome, LABELS[result.outcome])}  ${result.id}` +
        ` (${Math.round(result.durationMs)} ms)${reason}\n`,
    );
  }

  private paint(outcome: keyof typeof LABELS, text: string): string {
    return this.log.isTTY ? `${COLOURS[outcome]}${text}${COLOURS.reset}` : text;
  }
}

/** The end-of-run summary: every failure with expected vs actual, then the counts. */
export function terminalSummary(result: SuiteResult): string {
  const counts = countOutcomes(result);
  const failures = result.cases.filter((c) => c.outcome === 'failed');
  const lines: string[] = [''];
  if (failures.length > 0) lines.push('Failures:');
  for (const failure of failures) {
    lines.push(`  ${failure.id} — ${failure.title}`);
    for (const step of failure.steps.filter((s) => s.outcome === 'failed')) {
      lines.push(`    step ${step.id} (${step.transaction}): ${step.title}`);
      for (const mismatch of step.mismatches) {
        lines.push(
          `      ${mismatch.check}`,
          `        expected: ${mismatch.expected}`,
          `        actual:   ${mismatch.actual}`,
        );
      }
    }
  }
  lines.push(
    `${result.cases.length} cases against ${result.target}: ${counts.passed} passed, ` +
      `${counts.failed} failed, ${counts.skipped} skipped (${(result.durationMs / 1000).toFixed(1)} s)`,
    '',
  );
  return lines.join('\n');
}
