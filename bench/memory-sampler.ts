import { readFileSync } from 'node:fs';

export interface MemoryReport {
  /** Resident size once the gateway answered /health. */
  readonly startRssMB: number | null;
  /** The highest over the whole run (VmHWM included). */
  readonly peakRssMB: number | null;
  readonly finalRssMB: number | null;
}

/** Tracks the highest resident size sampled from its opening until `close()`. */
export interface MemoryWindow {
  /** In MB; null when the process is not sampled (--target). */
  close(): number | null;
}

export const UNSAMPLED: MemoryWindow = { close: () => null };

/** Samples VmRSS and VmHWM (peak) of a process from /proc every `intervalMs`. */
export class MemorySampler {
  private peakKb = 0;
  private lastRssKb = 0;
  private readonly startRssKb: number;
  private readonly windows = new Set<{ peakKb: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 200,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
    this.startRssKb = this.lastRssKb;
  }

  /** A phase's peak (VmRSS samples only: VmHWM may predate the phase). */
  window(): MemoryWindow {
    const window = { peakKb: 0 };
    this.windows.add(window);
    this.sample();
    return {
      close: () => {
        this.sample();
        this.windows.delete(window);
        return window.peakKb ? megabytes(window.peakKb) : null;
      },
    };
  }

  /** Takes a last sample and stops; call before the process is stopped. */
  stop(): MemoryReport {
    this.sample();
    clearInterval(this.timer);
    return {
      startRssMB: this.startRssKb ? megabytes(this.startRssKb) : null,
      peakRssMB: this.peakKb ? megabytes(this.peakKb) : null,
      finalRssMB: this.lastRssKb ? megabytes(this.lastRssKb) : null,
    };
  }

  private sample(): void {
    const status = readStatus(this.pid);
    if (!status) return;
    const rss = kilobytes(status, 'VmRSS');
    const highWaterMark = kilobytes(status, 'VmHWM');
    if (rss) this.lastRssKb = rss;
    for (const window of this.windows) window.peakKb = Math.max(window.peakKb, rss);
    this.peakKb = Math.max(this.peakKb, rss, highWaterMark);
  }
}

function readStatus(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
}

function kilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

function megabytes(kb: number): number {
  return Math.round((kb / 1024) * 10) / 10;
}
