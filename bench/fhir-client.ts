import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export const FHIR_JSON = 'application/fhir+json';

export interface TimedResponse {
  readonly status: number;
  readonly milliseconds: number;
}

export interface TextResponse extends TimedResponse {
  readonly text: string;
}

export interface CountedResponse extends TimedResponse {
  readonly bytes: number;
}

export interface ClientIdentity {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** CA and persona certificate from a PKI directory laid out like the dev PKI. */
export function identityFrom(pkiDir: string, persona: string): ClientIdentity {
  return {
    ca: readFileSync(join(pkiDir, 'ca.pem')),
    cert: readFileSync(join(pkiDir, `${persona}.pem`)),
    key: readFileSync(join(pkiDir, `${persona}-key.pem`)),
  };
}

/**
 * Keep-alive mutual-TLS connections to the gateway under one identity, at most `connections`
 * of them. Every request is bounded by `timeoutMs`, from sending to the last body byte.
 */
export class FhirClient {
  private readonly pool: Pool;

  constructor(
    origin: string,
    identity: ClientIdentity,
    connections: number,
    private readonly timeoutMs: number,
  ) {
    this.pool = new Pool(origin, {
      connections,
      connect: { ca: identity.ca, cert: identity.cert, key: identity.key },
      keepAliveTimeout: 60_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  /** A request whose answer is read whole as text. */
  async send(
    method: 'GET' | 'POST',
    path: string,
    body?: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<TextResponse> {
    const started = performance.now();
    const response = await this.pool.request({
      method,
      path,
      body,
      headers: body === undefined ? headers : { 'content-type': FHIR_JSON, ...headers },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.body.text();
    return { status: response.statusCode, text, milliseconds: performance.now() - started };
  }

  /** A GET whose answer is only counted, never held: for document downloads. */
  async download(path: string): Promise<CountedResponse> {
    const started = performance.now();
    const response = await this.pool.request({
      method: 'GET',
      path,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    let bytes = 0;
    for await (const chunk of response.body) bytes += (chunk as Buffer).length;
    return { status: response.statusCode, bytes, milliseconds: performance.now() - started };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
