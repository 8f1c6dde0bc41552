import { Logger } from '@nestjs/common';
import type { X509Certificate } from 'node:crypto';
import { BoundedCache } from '../assertion/bounded-cache';
import type { OcspConfig } from '../config';
import { OcspFailure, aiaOcspUrls, ocspAnswer, ocspQuestion } from './ocsp-exchange';

/** Nest token of the OCSP checker; `undefined` when OCSP is off. */
export const OCSP_CHECKER = Symbol('OCSP_CHECKER');

/**
 * What OCSP says of one certificate: a verified answer, or none to be had (`unavailable`: the
 * responder is unreachable, slow, or its answer does not verify). One object per exchange:
 * callers recognise an answer they have already acted on (audited) by identity.
 */
export type OcspVerdict =
  | { readonly status: 'good' }
  | { readonly status: 'revoked' }
  | { readonly status: 'unknown' }
  | { readonly status: 'unavailable'; readonly reason: string };

const CAPACITY = 10_000;
const RESPONSE_MAX_BYTES = 256 * 1024;
/** `unknown` and `unavailable` are asked again after this long (at most OCSP_CACHE_SECONDS). */
const RETRY_AFTER_MS = 60_000;

interface Cached {
  readonly verdict: OcspVerdict;
  readonly until: number;
}

/**
 * Asks the responder (OCSP_RESPONDER_URL, or the certificate's AIA URL with OCSP=aia) about a
 * certificate once, then keeps the answer: a good or revoked one until its nextUpdate (at most
 * OCSP_CACHE_SECONDS; not kept without a nextUpdate), unknown and unavailable ones a minute.
 * Concurrent questions about one certificate share one exchange.
 */
export class OcspChecker {
  private readonly logger = new Logger('OCSP');
  private readonly cache = new BoundedCache<string, Cached>(CAPACITY);
  private readonly inFlight = new Map<string, Promise<OcspVerdict>>();

  constructor(readonly config: OcspConfig) {}

  verdictOf(certificate: X509Certificate, issuer: X509Certificate): Promise<OcspVerdict> {
    const key = `${issuer.fingerprint256}/${certificate.serialNumber}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() < cached.until) return Promise.resolve(cached.verdict);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.exchange(certificate, issuer)
        .then(({ verdict, until }) => {
          this.cache.set(key, { verdict, until });
          return verdict;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async exchange(certificate: X509Certificate, issuer: X509Certificate): Promise<Cached> {
    const maxUntil = Date.now() + this.config.cacheSeconds * 1000;
    const retry = { until: Math.min(maxUntil, Date.now() + RETRY_AFTER_MS) };
    const url = this.urlFor(certificate);
    if (url === undefined) {
      return { verdict: { status: 'unavailable', reason: 'no OCSP URL' }, ...retry };
    }
    const question = ocspQuestion(certificate, issuer);
    try {
      const answer = ocspAnswer(question, await this.post(url, question.der), new Date());
      if (answer.status === 'unknown') return { verdict: { status: 'unknown' }, ...retry };
      const until = answer.nextUpdate ? Math.min(maxUntil, answer.nextUpdate.getTime()) : 0;
      const verdict: OcspVerdict =
        answer.status === 'good' ? { status: 'good' } : { status: 'revoked' };
      return { verdict, until };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        `No usable OCSP answer from ${url} (serial ${certificate.serialNumber}): ${reason}`,
      );
      return { verdict: { status: 'unavailable', reason }, ...retry };
    }
  }

  private urlFor(certificate: X509Certificate): string | undefined {
    return (this.config.aia ? aiaOcspUrls(certificate)[0] : undefined) ?? this.config.responderUrl;
  }

  private async post(url: string, der: Buffer): Promise<Buffer> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/ocsp-request',
          accept: 'application/ocsp-response',
        },
        body: der,
        signal: AbortSignal.timeout(this.config.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new OcspFailure(`responder unreachable (${cause ?? (error as Error).name})`);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new OcspFailure(`responder answered HTTP ${response.status}`);
    }
    return readBounded(response);
  }
}

async function readBounded(response: Response): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (!response.body) return Buffer.alloc(0);
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > RESPONSE_MAX_BYTES) throw new OcspFailure('response too large');
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof OcspFailure) throw error;
    throw new OcspFailure(`response not read (${(error as Error).name})`);
  }
  return Buffer.concat(chunks);
}
