import { AttachmentPaths } from './attachment-urls';
import { BenchAborted, ErrorLog, Progress, runConcurrently } from './concurrency';
import { FhirClient, TimedResponse } from './fhir-client';
import { NIR_TEST_SYSTEM, patientResource, transactionBundle } from './fixtures';
import { LatencyRecorder } from './latency';
import { LoadPlan } from './load-plan';

export interface PhaseResult {
  readonly requests: number;
  readonly seconds: number;
  readonly latency: LatencyRecorder;
}

export interface ReadResult extends PhaseResult {
  readonly bytes: number;
}

export interface PhaseContext {
  readonly plan: LoadPlan;
  readonly concurrency: number;
  readonly errors: ErrorLog;
}

/** Opens one record per patient; `If-None-Exist` lets a rerun against a target find them open. */
export async function openRecords(client: FhirClient, context: PhaseContext): Promise<PhaseResult> {
  const { plan } = context;
  return timedPhase('records', plan.patients, context.concurrency, context.errors, async (index) => {
    const nir = plan.nir(index);
    const response = await client.send('POST', '/fhir/Patient', patientResource(nir), {
      'if-none-exist': `identifier=${NIR_TEST_SYSTEM}|${nir}`,
    });
    const ok = response.status === 201 || response.status === 200;
    if (!ok) context.errors.record(`Patient ${nir}: HTTP ${response.status}`, response.text);
    return response;
  });
}

/** ITI-65: pushes bundles `from` … `to − 1` of the plan at the given concurrency. */
export async function pushBundles(
  client: FhirClient,
  context: PhaseContext,
  range: { from: number; to: number; concurrency: number; label: string },
  docSize: number,
): Promise<PhaseResult> {
  const { plan } = context;
  return timedPhase(
    range.label,
    range.to - range.from,
    range.concurrency,
    context.errors,
    async (offset) => {
    const spec = plan.bundle(range.from + offset);
    const body = transactionBundle({ ...spec, nir: plan.nir(spec.patientIndex), docSize });
    const response = await client.send('POST', '/fhir', body);
    if (response.status !== 200) {
      context.errors.record(`ITI-65 bundle ${range.from + offset}: HTTP ${response.status}`, response.text);
    }
    return response;
  });
}

/** ITI-67 on random patients that have documents; collects attachment paths for the reads. */
export async function searchDocuments(
  client: FhirClient,
  context: PhaseContext,
  searches: number,
  paths: AttachmentPaths,
): Promise<PhaseResult> {
  return timedPhase('iti67', searches, context.concurrency, context.errors, (index) =>
    searchOnePatient(client, context, randomPatient(context.plan), paths, index),
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
    await searchOnePatient(client, context, patient, paths, patient);
  }
}

async function searchOnePatient(
  client: FhirClient,
  context: PhaseContext,
  patientIndex: number,
  paths: AttachmentPaths,
  index: number,
): Promise<TimedResponse> {
  const nir = context.plan.nir(patientIndex);
  const token = encodeURIComponent(`${NIR_TEST_SYSTEM}|${nir}`);
  const path = `/fhir/DocumentReference?patient.identifier=${token}&status=current`;
  const response = await client.send('GET', path);
  const problem = response.status === 200 ? collectPaths(response.text, context, paths) : undefined;
  if (response.status !== 200 || problem) {
    context.errors.record(`ITI-67 #${index} ${nir}: HTTP ${response.status} ${problem ?? ''}`, response.text);
  }
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
function collectPaths(
  text: string,
  context: PhaseContext,
  paths: AttachmentPaths,
): string | undefined {
  const bundle = JSON.parse(text) as SearchSet;
  if (!bundle.total || bundle.total < 1) return `total is ${bundle.total}, expected ≥ 1`;
  const prefix = context.plan.oids.documentPrefix;
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
  docSize: number,
): Promise<ReadResult> {
  if (reads > 0 && paths.size === 0) throw new Error('No attachment URL found to read');
  let bytes = 0;
  const result = await timedPhase('iti68', reads, context.concurrency, context.errors, async () => {
    const path = paths.random();
    const response = await client.download(path);
    bytes += response.bytes;
    if (response.status !== 200 || response.bytes !== docSize) {
      const detail = `HTTP ${response.status}, ${response.bytes} bytes, expected ${docSize}`;
      context.errors.record(`ITI-68 ${path}`, detail);
    }
    return response;
  });
  return { ...result, bytes };
}

function randomPatient(plan: LoadPlan): number {
  return Math.floor(Math.random() * plan.patientsWithDocuments);
}

/** Runs a phase; a request that throws (timeout, reset) counts as an error, not a crash. */
async function timedPhase(
  label: string,
  total: number,
  concurrency: number,
  errors: ErrorLog,
  task: (index: number) => Promise<TimedResponse>,
): Promise<PhaseResult> {
  const latency = new LatencyRecorder();
  const progress = new Progress(label, total);
  const measured = async (index: number): Promise<void> => {
    try {
      latency.add((await task(index)).milliseconds);
    } catch (error) {
      if (error instanceof BenchAborted) throw error;
      errors.record(`${label} #${index}`, error instanceof Error ? error.message : String(error));
    }
    progress.tick();
  };
  await runConcurrently(total, concurrency, measured).finally(() => progress.stop());
  return { requests: latency.count, seconds: progress.seconds, latency };
}
