import type { ImportResult } from './import-phase';
import type { PolicyResult } from './policy-phase';
import { cpus, totalmem } from 'node:os';
import { round } from './latency';
import { MemoryReport } from './memory-sampler';
import type { PatientChannelResults } from './patient-phase';
import { PhaseResult, ReadResult } from './phases';
import type { Hl7v2Results } from './hl7v2-phase';
import type { XdsResults } from './xds-phase';

export interface LoadResult extends PhaseResult {
  readonly documents: number;
  /** The gateway's highest resident size during the load; null when not sampled. */
  readonly serverPeakRssMB?: number | null;
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
  readonly xds: XdsResults;
  readonly hl7v2: Hl7v2Results | null;
  readonly policy: PolicyResult | null;
  /** `passerelle import` in process; null when skipped (--import-entries 0, --target). */
  readonly bulkImport: ImportResult | null;
  readonly patientChannel: PatientChannelResults | null;
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
      cpu: cpuOf(concurrentLoad),
      serverPeakRssMB: concurrentLoad.serverPeakRssMB ?? null,
      concurrency1: {
        bundles: serialLoad.requests,
        documents: serialLoad.documents,
        bundlesPerSecond: perSecond(serialLoad.requests, serialLoad.seconds),
        latencyMs: serialLoad.latency.summary(),
        cpu: cpuOf(serialLoad),
      },
    },
    iti67: { requests: searches.requests, ...rates(searches) },
    iti68: {
      requests: reads.requests,
      seconds: round(reads.seconds),
      perSecond: perSecond(reads.requests, reads.seconds),
      mbPerSecond: perSecond(reads.bytes / MB, reads.seconds),
      latencyMs: reads.latency.summary(),
      cpu: cpuOf(reads),
    },
    iti41: {
      documents: results.xds.ingest.requests,
      ...rates(results.xds.ingest),
    },
    iti18: {
      requests: results.xds.findDocuments.requests,
      documentsPerAnswer: results.xds.findDocuments.documentsPerAnswer,
      ...rates(results.xds.findDocuments),
      leafClass: operations(results.xds.findDocuments),
      objectRef: {
        documentsPerAnswer: results.xds.findDocumentRefs.documentsPerAnswer,
        ...operations(results.xds.findDocumentRefs),
      },
    },
    mdmT02: results.hl7v2 && {
      messages: results.hl7v2.mdmT02.requests,
      cdaBytes: results.hl7v2.mdmT02.cdaBytes,
      ...rates(results.hl7v2.mdmT02),
    },
    policy: results.policy,
    import: results.bulkImport,
    patientChannel: results.patientChannel && patientChannelReport(results.patientChannel),
    server: results.server,
    errors: results.errors,
  };
}

/** Absolute figures: the floor has no patient channel to compare with. */
function patientChannelReport({
  loginToToken,
  loginToTokenConcurrent,
  documentList,
}: PatientChannelResults) {
  return {
    loginToToken: {
      ...operations(loginToToken),
      atConcurrency: {
        concurrency: loginToTokenConcurrent.concurrency,
        ...operations(loginToTokenConcurrent),
        perSecond: perSecond(loginToTokenConcurrent.requests, loginToTokenConcurrent.seconds),
      },
    },
    documentList: {
      documents: documentList.documents,
      pageSize: documentList.pageSize,
      firstPage: operations(documentList.firstPage),
      wholeList: { pages: documentList.wholeList.pages, ...operations(documentList.wholeList) },
    },
  };
}

/** Latency of each operation and the gateway's CPU milliseconds per operation. */
function operations(phase: PhaseResult) {
  const { p50, p99 } = phase.latency.summary();
  const { server } = phase.cpu;
  return {
    count: phase.requests,
    p50Ms: p50,
    p99Ms: p99,
    meanMs: round(phase.latency.mean),
    cpuMsPerOp:
      server === null || phase.requests === 0 ? null : round((server * 1000) / phase.requests, 2),
  };
}

function rates(phase: PhaseResult) {
  return {
    seconds: round(phase.seconds),
    perSecond: perSecond(phase.requests, phase.seconds),
    latencyMs: phase.latency.summary(),
    cpu: cpuOf(phase),
  };
}

/**
 * Gateway CPU per request, and cores kept busy on average (1 = one core all along) by the
 * gateway, by this bench, and by the whole machine (PostgreSQL and anything else included).
 */
function cpuOf(phase: PhaseResult) {
  if (phase.requests === 0 || phase.seconds === 0) return null;
  const { server, client, machine } = phase.cpu;
  const cores = (seconds: number | null) =>
    seconds === null ? null : round(seconds / phase.seconds, 2);
  return {
    serverMsPerRequest: server === null ? null : round((server * 1000) / phase.requests, 2),
    serverCores: cores(server),
    clientCores: cores(client),
    machineBusyCores: cores(machine),
  };
}

function perSecond(count: number, seconds: number): number {
  return seconds > 0 ? round(count / seconds, 1) : 0;
}

/** The machine the figures were measured on. */
export function machine() {
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model ?? 'unknown',
    totalMemMB: Math.round(totalmem() / MB),
    node: process.version,
  };
}
