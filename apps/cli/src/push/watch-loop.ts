import { setTimeout as delay } from 'node:timers/promises';
import { describeFailure } from '../cli-error';
import type { ClaimedDocument, DropFolder } from './drop-folder';
import { GatewayRejected, GatewayUnavailable } from './gateway-errors';
import { DocumentInvalid, PushSettings } from './prepare-document';
import { RetryPolicy, backoffDelay, withRetries } from './retry';
import { DocumentTransport, PushResult, pushDocument } from './transport';

export type WatchEvent =
  | ({ readonly event: 'sent'; readonly file: string; readonly movedTo: string } & PushResult)
  | {
      readonly event: 'failed';
      readonly file: string;
      readonly error: string;
      readonly report: string;
    }
  | {
      readonly event: 'retrying';
      readonly file: string;
      readonly error: string;
      readonly delayMs: number;
    }
  | { readonly event: 'pending'; readonly file: string; readonly error: string }
  | { readonly event: 'resumed'; readonly file: string };

export interface WatchContext {
  readonly folder: DropFolder;
  readonly transport: DocumentTransport;
  readonly settings: PushSettings;
  readonly retry: RetryPolicy;
  /** Aborted to stop: after the document being sent, or at once while waiting. */
  readonly signal: AbortSignal;
  readonly onEvent: (event: WatchEvent) => void;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WatchSchedule {
  readonly intervalMs: number;
  readonly settleMs: number;
  /** Deliver what is there, then return. */
  readonly once: boolean;
}

export interface WatchSummary {
  sent: number;
  failed: number;
  /** Left in .processing/ for the next pass or run (gateway unavailable, or stopped). */
  pending: number;
}

/** When a document the gateway could not take may be tried again. */
interface Backoff {
  readonly failures: number;
  readonly notBefore: number;
}

/**
 * Delivers the drop folder's documents, pass after pass, until stopped (or once). A document the
 * gateway could not take waits in .processing/, its next pass put off by the same exponential
 * backoff, so that a long outage is met with rare attempts.
 */
export async function watchFolder(
  context: WatchContext,
  schedule: WatchSchedule,
): Promise<WatchSummary> {
  const summary: WatchSummary = { sent: 0, failed: 0, pending: 0 };
  const backoffs = new Map<string, Backoff>();
  const sleep = context.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  while (!context.signal.aborted) {
    const documents = [
      ...(await context.folder.inFlight()),
      ...(await context.folder.claimReady(schedule.settleMs)),
    ];
    summary.pending = 0;
    for (const document of documents) {
      const backoff = backoffs.get(document.name);
      if (context.signal.aborted || (backoff && backoff.notBefore > Date.now())) {
        summary.pending += 1;
        continue;
      }
      const outcome = await deliver(document, context);
      summary[outcome] += 1;
      if (outcome !== 'pending') backoffs.delete(document.name);
      else backoffs.set(document.name, nextBackoff(backoff, context.retry));
    }
    if (schedule.once) break;
    await sleep(schedule.intervalMs, context.signal).catch(() => undefined);
  }
  return summary;
}

function nextBackoff(previous: Backoff | undefined, policy: RetryPolicy): Backoff {
  const failures = (previous?.failures ?? 0) + policy.attempts;
  return { failures, notBefore: Date.now() + backoffDelay(policy, failures) };
}

/** Sends one document, with retries while the gateway is unavailable; files it by outcome. */
async function deliver(
  document: ClaimedDocument,
  context: WatchContext,
): Promise<keyof WatchSummary> {
  const { folder, onEvent } = context;
  if (document.resumed) onEvent({ event: 'resumed', file: document.name });
  try {
    const result = await withRetries(
      () => pushDocument(document.path, context.settings, context.transport, document.sidecar),
      context.retry,
      {
        retryable: (error) => error instanceof GatewayUnavailable,
        onRetry: (error, _attempt, delayMs) =>
          onEvent({ event: 'retrying', file: document.name, error: messageOf(error), delayMs }),
        signal: context.signal,
        ...(context.sleep ? { sleep: context.sleep } : {}),
      },
    );
    const details = { ...result, file: document.name };
    const movedTo = await folder.markDone(document, details);
    onEvent({ event: 'sent', ...details, movedTo });
    return 'sent';
  } catch (error) {
    if (error instanceof GatewayUnavailable || context.signal.aborted) {
      const message = context.signal.aborted ? 'stopped before it was sent' : messageOf(error);
      await folder.record({ event: 'pending', file: document.name, error: message });
      onEvent({ event: 'pending', file: document.name, error: message });
      return 'pending';
    }
    const report = await folder.markFailed(document, errorReport(error));
    onEvent({ event: 'failed', file: document.name, error: messageOf(error), report });
    return 'failed';
  }
}

/** What failed/<file>.error.json says: the message, the problems or the OperationOutcome. */
function errorReport(error: unknown): Record<string, unknown> {
  return {
    failedAt: new Date().toISOString(),
    error: messageOf(error),
    ...(error instanceof DocumentInvalid ? { problems: error.problems } : {}),
    ...(error instanceof GatewayRejected
      ? { status: error.status, operationOutcome: error.outcome }
      : {}),
  };
}

function messageOf(error: unknown): string {
  return describeFailure(error).message;
}
