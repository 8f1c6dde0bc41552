import { cpus, totalmem } from 'node:os';
import { round } from './latency';
import { MemoryReport } from './memory-sampler';
import { PhaseResult, ReadResult } from './phases';

export interface BenchResults {
  readonly config: Record<string, unknown>;
  readonly records: PhaseResult;
  readonly concurrentLoad: PhaseResult & { readonly documents: number };
  readonly serialLoad: PhaseResult & { readonly documents: number };
  readonly searches: PhaseResult;
  readonly reads: ReadResult;
  readonly server: MemoryReport;
  readonly errors: number;
}

const MB = 1024 * 1024;

export function buildReport(results: BenchResults) {
  const { concurrentLoad, serialLoad, searches, reads } = results;
  return {
    machine: machine(),
    date: new Date().toISOString(),
    config: results.config,
    records: { patients: results.records.requests, ...rates(results.records) },
    iti65: {
      bundles: concurrentLoad.requests,
      documents: concurrentLoad.documents,
      seconds: round(concurrentLoad.seconds),
      bundlesPerSecond: perSecond(concurrentLoad.requests, concurrentLoad.seconds),
      documentsPerSecond: perSecond(concurrentLoad.documents, concurrentLoad.seconds),
      latencyMs: concurrentLoad.latency.summary(),
      concurrency1: {
        bundles: serialLoad.requests,
        documents: serialLoad.documents,
        bundlesPerSecond: perSecond(serialLoad.requests, serialLoad.seconds),
        latencyMs: serialLoad.latency.summary(),
      },
    },
    iti67: { requests: searches.requests, ...rates(searches) },
    iti68: {
      requests: reads.requests,
      perSecond: perSecond(reads.requests, reads.seconds),
      mbPerSecond: perSecond(reads.bytes / MB, reads.seconds),
      latencyMs: reads.latency.summary(),
    },
    server: results.server,
    errors: results.errors,
  };
}

function rates(phase: PhaseResult) {
  return {
    seconds: round(phase.seconds),
    perSecond: perSecond(phase.requests, phase.seconds),
    latencyMs: phase.latency.summary(),
  };
}

function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? round(count / seconds, 1) : 0;
}

function machine() {
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model ?? 'unknown',
    totalMemMB: Math.round(totalmem() / MB),
    node: process.version,
  };
}
