import { performance } from 'node:perf_hooks';

/** Raised when a phase has too many failures to be worth continuing. */
export class BenchAborted extends Error {}

const MAX_ERRORS = 100;

/** Counts failures, prints the first one in full and aborts the run past {@link MAX_ERRORS}. */
export class ErrorLog {
  private total = 0;

  get count(): number {
    return this.total;
  }

  record(context: string, detail: string): void {
    this.total += 1;
    if (this.total === 1) process.stderr.write(`First error (${context}):\n${detail}\n`);
    if (this.total > MAX_ERRORS) {
      throw new BenchAborted(`More than ${MAX_ERRORS} errors, stopping (last: ${context})`);
    }
  }
}

/**
 * Runs `task(0)` … `task(total - 1)` with at most `concurrency` in flight. Indexes are handed out
 * lazily, so nothing proportional to `total` is held in memory. The first thrown error stops
 * every worker and is rethrown; so does an abort of `signal`.
 */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: Error | undefined;
  const worker = async (): Promise<void> => {
    while (next < total && failure === undefined && !signal?.aborted) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  if (failure !== undefined) throw failure;
  if (signal?.aborted) throw new BenchAborted(`Interrupted (${String(signal.reason)})`);
}

/** Writes `[phase] done/total, rate/s` to stderr every two seconds while a phase runs. */
export class Progress {
  private done = 0;
  private readonly started = performance.now();
  private stoppedAt?: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly phase: string,
    private readonly total: number,
  ) {
    this.timer = setInterval(() => this.print(), 2000);
    this.timer.unref();
  }

  /** Seconds from creation to {@link stop} (or to now while running). */
  get seconds(): number {
    return ((this.stoppedAt ?? performance.now()) - this.started) / 1000;
  }

  tick(): void {
    this.done += 1;
  }

  stop(): void {
    clearInterval(this.timer);
    this.stoppedAt ??= performance.now();
    this.print();
  }

  private print(): void {
    const rate = this.seconds > 0 ? (this.done / this.seconds).toFixed(1) : '0';
    process.stderr.write(`[${this.phase}] ${this.done}/${this.total}, ${rate}/s\n`);
  }
}
