import { performance } from 'node:perf_hooks';
import { Dispatcher, request } from 'undici';
import type { Exchange, HttpRequestRecord } from './results';

/** Sends one request with undici and records it with its answer, or the transport error. */
export async function exchange(
  record: HttpRequestRecord,
  dispatcher: Dispatcher,
): Promise<Exchange> {
  const started = performance.now();
  try {
    const response = await request(record.url, {
      method: record.method,
      headers: record.headers,
      body: record.body,
      dispatcher,
    });
    const body = Buffer.from(await response.body.arrayBuffer());
    return {
      request: record,
      response: { status: response.statusCode, headers: flatHeaders(response.headers), body },
      durationMs: performance.now() - started,
    };
  } catch (error) {
    return {
      request: record,
      error: describeError(error),
      durationMs: performance.now() - started,
    };
  }
}

export function flatHeaders(
  headers: Record<string, string | string[] | undefined> | Headers,
): Record<string, string> {
  const entries: [string, string | string[] | undefined][] =
    headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  return Object.fromEntries(
    entries
      .filter((entry): entry is [string, string | string[]] => entry[1] !== undefined)
      .map(([name, value]) => [
        name.toLowerCase(),
        Array.isArray(value) ? value.join(', ') : value,
      ]),
  );
}

/** A transport failure in one line, with its root cause (e.g. a TLS or connection error). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== error.message
    ? `${error.message}: ${describeError(cause)}`
    : error.message;
}
