import { setTimeout as delay } from 'node:timers/promises';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export interface RetryHooks {
  readonly retryable: (error: unknown) => boolean;
  readonly onRetry?: (error: unknown, failedAttempt: number, delayMs: number) => void;
  readonly signal?: AbortSignal;
  /** Waits `ms` (rejecting if the signal aborts); injectable for tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Exponential backoff: the first delay, doubled after each failure, up to the maximum. */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (failedAttempt - 1));
}

/** Runs `work` until it succeeds, a failure is not retryable, or the attempts are spent. */
export async function withRetries<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<T> {
  const sleep = hooks.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= policy.attempts || !hooks.retryable(error)) throw error;
      const delayMs = backoffDelay(policy, attempt);
      hooks.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, hooks.signal);
    }
  }
}
