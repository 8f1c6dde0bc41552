import { readFileSync } from 'node:fs';

export interface MemoryReport {
  readonly peakRssMB: number | null;
  readonly finalRssMB: number | null;
}

/** Samples VmRSS and VmHWM (peak) of a process from /proc every `intervalMs`. */
export class MemorySampler {
  private peakKb = 0;
  private lastRssKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 200,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  /** Takes a last sample and stops; call before the process is stopped. */
  stop(): MemoryReport {
    this.sample();
    clearInterval(this.timer);
    return {
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
