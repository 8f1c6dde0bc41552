import { AsyncLocalStorage } from 'node:async_hooks';

/** What the audit trail and the request log share about the request being served. */
export interface RequestFacts {
  /** `X-Request-Id`: the caller's when well formed, else generated; in the answer and the audit. */
  readonly requestId: string;
  /** Set once the audit trail knows them, for the request's log line. */
  principal?: string;
  patientKey?: string;
}

const context = new AsyncLocalStorage<RequestFacts>();

/** Runs `body` as the handling of one request. */
export function withRequest<T>(facts: RequestFacts, body: () => T): T {
  return context.run(facts, body);
}

/** The facts of the request being served, if any (none in a background job). */
export function currentRequest(): RequestFacts | undefined {
  return context.getStore();
}
