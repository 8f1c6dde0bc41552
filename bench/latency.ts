export interface LatencySummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile of ascending `sorted` values; 0 when there are none. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Latencies in milliseconds, kept in a growable Float64Array (8 bytes per sample). */
export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private size = 0;
  private sum = 0;

  get count(): number {
    return this.size;
  }

  /** Arithmetic mean; 0 when there are no samples. */
  get mean(): number {
    return this.size ? this.sum / this.size : 0;
  }

  add(milliseconds: number): void {
    if (this.size === this.samples.length) this.grow();
    this.samples[this.size++] = milliseconds;
    this.sum += milliseconds;
  }

  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.size).sort();
    return {
      p50: round(percentile(sorted, 0.5)),
      p95: round(percentile(sorted, 0.95)),
      p99: round(percentile(sorted, 0.99)),
      max: round(sorted.length ? sorted[sorted.length - 1] : 0),
    };
  }

  private grow(): void {
    const larger = new Float64Array(this.samples.length * 2);
    larger.set(this.samples);
    this.samples = larger;
  }
}

/** Rounded to 3 decimals: microsecond resolution is plenty in a report. */
export function round(value: number, decimals = 3): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
