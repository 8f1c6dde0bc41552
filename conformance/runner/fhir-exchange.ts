import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { FhirRequestSpec } from './case-definition';
import { describeError, flatHeaders } from './http-exchange';
import type { Exchange } from './results';

export type FhirKitClientModule = typeof import('fhir-kit-client');
export type FhirKitClientClass = FhirKitClientModule['Client'];

// fhir-kit-client 2 is ESM-only and exports only an `import` condition, so require() cannot load
// it; TypeScript compiles `await import()` to require() under "module": "commonjs", a Function
// body keeps a real dynamic import. Its text is constant: nothing is evaluated from input.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

export async function loadFhirKitClient(): Promise<FhirKitClientClass> {
  return ((await importModule('fhir-kit-client')) as FhirKitClientModule).Client;
}

export interface FhirRequest {
  readonly baseUrl: string;
  readonly method: FhirRequestSpec['method'];
  /** Absolute URL. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A JSON value, or a text sent as it is (FHIR XML). */
  readonly body?: unknown;
}

interface FhirKitFailure {
  readonly response?: { readonly status: number; readonly data: unknown };
  readonly config?: { readonly headers?: Headers };
}

/**
 * One FHIR interaction through fhir-kit-client, recorded as exchanged: the JSON sent, and the
 * status, headers and JSON body received — also when fhir-kit-client reports an HTTP error.
 */
export async function fhirExchange(
  Client: FhirKitClientClass,
  dispatcher: Dispatcher,
  fhirRequest: FhirRequest,
): Promise<Exchange> {
  const client = new Client({ baseUrl: fhirRequest.baseUrl, requestOptions: { dispatcher } });
  const record = {
    method: fhirRequest.method,
    url: fhirRequest.url,
    headers: fhirRequest.headers,
    ...(fhirRequest.body === undefined ? {} : { body: Buffer.from(bodyText(fhirRequest.body)) }),
  };
  const started = performance.now();
  try {
    const result = await client.request(fhirRequest.url, {
      method: fhirRequest.method,
      options: { headers: { ...fhirRequest.headers } },
      body: fhirRequest.body,
    });
    const response = Client.httpFor(result).response;
    return {
      request: record,
      response: {
        status: response?.status ?? 200,
        headers: response ? flatHeaders(response.headers) : {},
        body: Buffer.from(bodyText(result)),
      },
      durationMs: performance.now() - started,
    };
  } catch (error) {
    const failure = error as FhirKitFailure;
    const durationMs = performance.now() - started;
    if (!failure.response) return { request: record, error: describeError(error), durationMs };
    const data = failure.response.data;
    return {
      request: record,
      response: {
        status: failure.response.status,
        headers: failure.config?.headers ? flatHeaders(failure.config.headers) : {},
        body: Buffer.from(bodyText(data)),
      },
      durationMs,
    };
  }
}

function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body, null, 2);
}
