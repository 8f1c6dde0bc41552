import { cpus, totalmem } from 'node:os';
import { round } from './latency';
import { MemoryReport } from './memory-sampler';
import { PhaseResult, ReadResult } from './phases';

export interface LoadResult extends PhaseResult {
  readonly documents: number;
}

export interface BenchResults {
  readonly config: Record<string, unknown>;
  /** 1-minute load average when the bench started: other work on the machine skews results. */
  readonly loadAverageAtStart: number;
  readonly records: PhaseResult;
  readonly concurrentLoad: LoadResult;
  readonly serialLoad: LoadResult;
  readonly searches: PhaseResult;
  readonly reads: ReadResult;
  readonly server: MemoryReport;
  readonly errors: number;
}

const MB = 1024 * 1024;

/** The JSON printed on stdout. Megabytes are MiB (2^20 bytes). */
export function buildReport(results: BenchResults) {
  const { concurrentLoad, serialLoad, searches, reads } = results;
  return {
    machine: { ...machine(), loadAverageAtStart: round(results.loadAverageAtStart, 2) },
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
      serverCpu: serverCpu(concurrentLoad),
      concurrency1: {
        bundles: serialLoad.requests,
        documents: serialLoad.documents,
        bundlesPerSecond: perSecond(serialLoad.requests, serialLoad.seconds),
        latencyMs: serialLoad.latency.summary(),
        serverCpu: serverCpu(serialLoad),
      },
    },
    iti67: { requests: searches.requests, ...rates(searches) },
    iti68: {
      requests: reads.requests,
      seconds: round(reads.seconds),
      perSecond: perSecond(reads.requests, reads.seconds),
      mbPerSecond: perSecond(reads.bytes / MB, reads.seconds),
      latencyMs: reads.latency.summary(),
      serverCpu: serverCpu(reads),
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
    serverCpu: serverCpu(phase),
  };
}

/** Gateway CPU per request, and cores it kept busy on average (1 = one core all along). */
function serverCpu(phase: PhaseResult) {
  const cpu = phase.serverCpuSeconds;
  if (cpu === null || phase.requests === 0 || phase.seconds === 0) return null;
  return {
    msPerRequest: round((cpu * 1000) / phase.requests, 2),
    cores: round(cpu / phase.seconds, 2),
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
