import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { FHIR_JSON } from '../fhir-client';
import { NIR_TEST_SYSTEM, RunOids, nirOf, patientResource, transactionBundle } from '../fixtures';
import type { Cluster } from './cluster';

const MAX_ATTEMPTS = 60;
const RETRY_DELAY_MS = 250;
const TIMEOUT_MS = 30_000;

/** One ITI-65 of the run: one patient, one document; resent byte for byte when retried. */
export interface Submission {
  readonly nir: string;
  readonly submissionSetOid: string;
  readonly documentOid: string;
  readonly bundle: string;
  attempts: number;
  acknowledged: boolean;
  /** A 4xx: what the gateway said (a retry refused as a duplicate would show here). */
  refusal?: string;
}

export interface LoadPlan {
  readonly submissions: number;
  readonly concurrency: number;
  /** The fault starts once this many submissions are acknowledged. */
  readonly faultAfter: number;
  readonly fault: () => Promise<void>;
}

export interface LoadResult {
  readonly submissions: readonly Submission[];
  readonly retries: number;
  readonly searches: number;
  readonly searchErrors: number;
  /** Answers to requests sent after the fault began, by the node that served them. */
  readonly servedAfterFault: Readonly<Record<string, number>>;
}

type Answer = { status: number; text: string; servedBy?: string };

/** Keep-alive mutual-TLS connections to the proxy as one persona of the cluster's PKI. */
export class ProxyClient {
  private readonly pool: Pool;

  constructor(cluster: Cluster, persona: string, connections: number) {
    const files = cluster.pki.personas[persona];
    this.pool = new Pool(cluster.origin, {
      connections,
      connect: {
        ca: readFileSync(cluster.pki.caPath),
        cert: readFileSync(files.certPath),
        key: readFileSync(files.keyPath),
      },
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
  }

  async send(method: 'GET' | 'POST', path: string, body?: string, headers = {}): Promise<Answer> {
    const response = await this.pool.request({
      method,
      path,
      body,
      headers: body === undefined ? headers : { 'content-type': FHIR_JSON, ...headers },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const servedBy = response.headers['x-served-by'];
    return {
      status: response.statusCode,
      text: await response.body.text(),
      servedBy: typeof servedBy === 'string' ? servedBy : undefined,
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export function searchPath(nir: string): string {
  return `/fhir/DocumentReference?patient.identifier=${encodeURIComponent(`${NIR_TEST_SYSTEM}|${nir}`)}`;
}

/**
 * Opens one record per submission (as Dr MARTIN), then sends the submissions (as the hospital)
 * with ITI-67 searches between them, `concurrency` at a time, through the proxy. A network
 * error or a 5xx is retried with the same bytes (an identical retry of a committed submission
 * is answered as a success); the fault is injected once `faultAfter` are acknowledged.
 */
export async function runLoad(cluster: Cluster, plan: LoadPlan): Promise<LoadResult> {
  const oids = new RunOids(String(Date.now()));
  const submissions: Submission[] = Array.from({ length: plan.submissions }, (_, index) => ({
    nir: nirOf(index),
    submissionSetOid: oids.submissionSet(index + 1),
    documentOid: oids.document(index + 1),
    bundle: transactionBundle({
      nir: nirOf(index),
      submissionSetOid: oids.submissionSet(index + 1),
      documentOids: [oids.document(index + 1)],
      docSize: 2048,
    }),
    attempts: 0,
    acknowledged: false,
  }));
  const doctor = new ProxyClient(cluster, 'medecin-generaliste', plan.concurrency);
  const hospital = new ProxyClient(cluster, 'hopital-org', plan.concurrency);
  const state = { retries: 0, searches: 0, searchErrors: 0, acknowledged: 0 };
  const servedAfterFault: Record<string, number> = {};
  let faultStart: number | undefined;
  let fault: Promise<void> | undefined;
  const noteServer = (sentAt: number, answer: Answer | undefined) => {
    if (faultStart === undefined || sentAt < faultStart || !answer?.servedBy) return;
    servedAfterFault[answer.servedBy] = (servedAfterFault[answer.servedBy] ?? 0) + 1;
  };
  try {
    await eachConcurrently(submissions, plan.concurrency, async (submission) => {
      await retried(state, () =>
        doctor.send('POST', '/fhir/Patient', patientResource(submission.nir), {
          'if-none-exist': `identifier=${NIR_TEST_SYSTEM}|${submission.nir}`,
        }),
      );
    });
    await eachConcurrently(submissions, plan.concurrency, async (submission) => {
      const answer = await retried(state, async () => {
        submission.attempts += 1;
        const sentAt = Date.now();
        const sent = await hospital.send('POST', '/fhir', submission.bundle);
        noteServer(sentAt, sent);
        return sent;
      });
      if (answer?.status === 200) {
        submission.acknowledged = true;
        state.acknowledged += 1;
      } else {
        submission.refusal = answer ? `${answer.status} ${answer.text.slice(0, 300)}` : 'gave up';
      }
      if (state.acknowledged >= plan.faultAfter && fault === undefined) {
        faultStart = Date.now();
        fault = plan.fault();
      }
      const acknowledged = submissions.filter((candidate) => candidate.acknowledged);
      const target = acknowledged[Math.floor(Math.random() * acknowledged.length)];
      if (!target) return;
      state.searches += 1;
      const searched = await retried(state, async () => {
        const sentAt = Date.now();
        const answer = await doctor.send('GET', searchPath(target.nir));
        noteServer(sentAt, answer);
        return answer;
      });
      if (searched?.status !== 200) state.searchErrors += 1;
    });
    await fault;
  } finally {
    await Promise.all([doctor.close(), hospital.close()]);
  }
  return { submissions, ...state, servedAfterFault };
}

/** Retries network errors and 5xx; returns the last answer, undefined if none ever came. */
async function retried(
  state: { retries: number },
  send: () => Promise<Answer>,
): Promise<Answer | undefined> {
  let last: Answer | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (attempt > 1) {
      state.retries += 1;
      await sleep(RETRY_DELAY_MS);
    }
    try {
      last = await send();
      if (last.status < 500) return last;
    } catch {
      last = undefined;
    }
  }
  return last;
}

async function eachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
