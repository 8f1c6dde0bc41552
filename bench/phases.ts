import { AttachmentPaths } from './attachment-urls';
import { BenchAborted, ErrorLog, Progress, runConcurrently } from './concurrency';
import { FhirClient, TimedResponse } from './fhir-client';
import { NIR_TEST_SYSTEM, patientResource, transactionBundle } from './fixtures';
import { LatencyRecorder } from './latency';
import { LoadPlan } from './load-plan';
import { machineBusySeconds, ownCpuSeconds } from './process-cpu';

export interface PhaseResult {
  readonly requests: number;
  readonly seconds: number;
  readonly latency: LatencyRecorder;
  readonly cpu: PhaseCpu;
}

/** CPU seconds used during a phase. */
export interface PhaseCpu {
  /** By the spawned gateway; null for a --target. */
  readonly server: number | null;
  /** By this bench process (bundle generation, TLS, parsing). */
  readonly client: number;
  /** By the whole machine, every core summed: shows other work competing for the CPUs. */
  readonly machine: number | null;
}

export interface ReadResult extends PhaseResult {
  readonly bytes: number;
}

export interface PhaseContext {
  readonly plan: LoadPlan;
  readonly concurrency: number;
  readonly docSize: number;
  readonly errors: ErrorLog;
  /** CPU seconds used so far by the gateway, when it is our child process. */
  readonly serverCpuSeconds: () => number | null;
  /** Aborted on SIGINT/SIGTERM: phases stop handing out requests. */
  readonly interruption: AbortSignal;
}

interface PhaseShape {
  readonly label: string;
  readonly total: number;
  readonly concurrency: number;
}

export interface BundleRange {
  readonly from: number;
  readonly to: number;
  readonly concurrency: number;
  readonly label: string;
}

/** Opens one record per patient; `If-None-Exist` lets a rerun against a target find them open. */
export function openRecords(client: FhirClient, context: PhaseContext): Promise<PhaseResult> {
  const shape = {
    label: 'records',
    total: context.plan.patients,
    concurrency: context.concurrency,
  };
  return timedPhase(context, shape, (index) => openOneRecord(client, context, index));
}

async function openOneRecord(
  client: FhirClient,
  context: PhaseContext,
  patientIndex: number,
): Promise<TimedResponse> {
  const nir = context.plan.nir(patientIndex);
  const response = await client.send('POST', '/fhir/Patient', patientResource(nir), {
    'if-none-exist': `identifier=${NIR_TEST_SYSTEM}|${nir}`,
  });
  if (response.status !== 201 && response.status !== 200) {
    context.errors.record(`Patient ${nir}: HTTP ${response.status}`, response.text);
  }
  return response;
}

/** ITI-65: pushes bundles `from` … `to − 1` of the plan. */
export function pushBundles(
  client: FhirClient,
  context: PhaseContext,
  range: BundleRange,
): Promise<PhaseResult> {
  const shape = { ...range, total: range.to - range.from };
  return timedPhase(context, shape, (offset) =>
    pushOneBundle(client, context, range.from + offset),
  );
}

async function pushOneBundle(
  client: FhirClient,
  context: PhaseContext,
  bundleIndex: number,
): Promise<TimedResponse> {
  const { plan, docSize } = context;
  const spec = plan.bundle(bundleIndex);
  const body = transactionBundle({ ...spec, nir: plan.nir(spec.patientIndex), docSize });
  const response = await client.send('POST', '/fhir', body);
  if (response.status !== 200) {
    context.errors.record(`ITI-65 bundle ${bundleIndex}: HTTP ${response.status}`, response.text);
  }
  return response;
}

/** ITI-67 on random patients that have documents; collects attachment paths for the reads. */
export function searchDocuments(
  client: FhirClient,
  context: PhaseContext,
  searches: number,
  paths: AttachmentPaths,
): Promise<PhaseResult> {
  const shape = { label: 'iti67', total: searches, concurrency: context.concurrency };
  return timedPhase(context, shape, () =>
    searchOnePatient(client, context, randomPatient(context.plan), paths),
  );
}

/** When no search ran, a few sequential ones (not measured) find documents to read. */
export async function seedAttachmentPaths(
  client: FhirClient,
  context: PhaseContext,
  paths: AttachmentPaths,
): Promise<void> {
  const tries = Math.min(20, context.plan.patientsWithDocuments);
  for (let patient = 0; patient < tries && paths.size === 0; patient++) {
    await searchOnePatient(client, context, patient, paths);
  }
}

async function searchOnePatient(
  client: FhirClient,
  context: PhaseContext,
  patientIndex: number,
  paths: AttachmentPaths,
): Promise<TimedResponse> {
  const nir = context.plan.nir(patientIndex);
  const token = encodeURIComponent(`${NIR_TEST_SYSTEM}|${nir}`);
  const path = `/fhir/DocumentReference?patient.identifier=${token}&status=current`;
  const response = await client.send('GET', path);
  const problem =
    response.status === 200
      ? collectPaths(response.text, context.plan.oids.documentPrefix, paths)
      : `HTTP ${response.status}`;
  if (problem) context.errors.record(`ITI-67 ${nir}: ${problem}`, response.text);
  return response;
}

interface SearchSet {
  total?: number;
  entry?: {
    resource?: {
      masterIdentifier?: { value?: string };
      content?: { attachment?: { url?: string } }[];
    };
  }[];
}

/** Adds this run's attachment URLs; returns what is wrong with the searchset, if anything. */
function collectPaths(text: string, prefix: string, paths: AttachmentPaths): string | undefined {
  const bundle = JSON.parse(text) as SearchSet;
  if (!bundle.total || bundle.total < 1) return `total is ${bundle.total}, expected ≥ 1`;
  for (const { resource } of bundle.entry ?? []) {
    const url = resource?.content?.[0]?.attachment?.url;
    if (url && resource?.masterIdentifier?.value?.startsWith(prefix)) paths.add(url);
  }
  return undefined;
}

/** ITI-68: downloads random collected documents and checks their size. */
export async function readDocuments(
  client: FhirClient,
  context: PhaseContext,
  reads: number,
  paths: AttachmentPaths,
): Promise<ReadResult> {
  if (reads > 0 && paths.size === 0) throw new Error('No attachment URL found to read');
  let bytes = 0;
  const shape = { label: 'iti68', total: reads, concurrency: context.concurrency };
  const result = await timedPhase(context, shape, async () => {
    const response = await readOneDocument(client, context, paths.random());
    bytes += response.bytes;
    return response;
  });
  return { ...result, bytes };
}

async function readOneDocument(client: FhirClient, context: PhaseContext, path: string) {
  const response = await client.download(path);
  if (response.status !== 200 || response.bytes !== context.docSize) {
    const detail = `HTTP ${response.status}, ${response.bytes} bytes, expected ${context.docSize}`;
    context.errors.record(`ITI-68 ${path}`, detail);
  }
  return response;
}

function randomPatient(plan: LoadPlan): number {
  return Math.floor(Math.random() * plan.patientsWithDocuments);
}

/** Runs a phase; a request that throws (timeout, reset) counts as an error, not a crash. */
export async function timedPhase(
  context: PhaseContext,
  shape: PhaseShape,
  task: (index: number) => Promise<TimedResponse>,
): Promise<PhaseResult> {
  const latency = new LatencyRecorder();
  const cpuBefore = cpuSnapshot(context);
  const progress = new Progress(shape.label, shape.total);
  const measured = async (index: number): Promise<void> => {
    try {
      latency.add((await task(index)).milliseconds);
    } catch (error) {
      if (context.interruption.aborted) throw new BenchAborted('Interrupted');
      if (error instanceof BenchAborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      context.errors.record(`${shape.label} #${index}`, message);
    }
    progress.tick();
  };
  await runConcurrently(shape.total, shape.concurrency, measured, context.interruption).finally(
    () => progress.stop(),
  );
  return {
    requests: latency.count,
    seconds: progress.seconds,
    latency,
    cpu: cpuSince(cpuBefore, context),
  };
}

function cpuSnapshot(context: PhaseContext): PhaseCpu {
  return {
    server: context.serverCpuSeconds(),
    client: ownCpuSeconds(),
    machine: machineBusySeconds(),
  };
}

function cpuSince(before: PhaseCpu, context: PhaseContext): PhaseCpu {
  const after = cpuSnapshot(context);
  return {
    server: difference(before.server, after.server),
    client: after.client - before.client,
    machine: difference(before.machine, after.machine),
  };
}

function difference(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : after - before;
}
