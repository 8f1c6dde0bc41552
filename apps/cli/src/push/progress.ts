import type { CliIo } from '../cli-io';

const WIDTH = 24;
const MEBIBYTE = 1024 * 1024;

/** A progress bar on stderr, redrawn in place; silent when stderr is not a terminal. */
export interface Progress {
  /** `done` of `total` units so far, with what is being worked on. */
  update(done: number, label?: string): void;
  finish(): void;
}

export type ProgressUnit = 'documents' | 'bytes';

export function progressBar(
  io: CliIo,
  total: number,
  unit: ProgressUnit,
  enabled: boolean,
): Progress {
  if (!enabled || total <= 0) return { update: () => undefined, finish: () => undefined };
  let drawn = false;
  return {
    update: (done, label = '') => {
      const filled = Math.round((Math.min(done, total) / total) * WIDTH);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
      io.err(`\r[${bar}] ${amount(done, unit)}/${amount(total, unit)} ${label}`.padEnd(80));
      drawn = true;
    },
    finish: () => {
      if (drawn) io.err('\n');
    },
  };
}

/** Whether to draw: only for a person watching a terminal, never into --json output. */
export function interactive(json: boolean | undefined): boolean {
  return process.stderr.isTTY === true && json !== true;
}

function amount(value: number, unit: ProgressUnit): string {
  return unit === 'bytes' ? `${(value / MEBIBYTE).toFixed(1)} MiB` : String(value);
}
