import { DomainError } from '@passerelle/domain';
import type { IncomingHttpHeaders } from 'node:http';

/** The two FHIR formats the door reads and writes. */
export type FhirFormat = 'json' | 'xml';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
export const FHIR_XML = 'application/fhir+xml; charset=utf-8';

/** Request bodies read as FHIR XML. */
export const FHIR_XML_BODY_TYPES = ['application/fhir+xml', 'application/xml', 'text/xml'];

/** `_format` values and Accept media types (FHIR R4 §3.1.0.1.10), without their parameters. */
const FORMATS: Readonly<Record<string, FhirFormat>> = {
  json: 'json',
  'application/json': 'json',
  'application/fhir+json': 'json',
  xml: 'xml',
  'text/xml': 'xml',
  'application/xml': 'xml',
  'application/fhir+xml': 'xml',
  '*/*': 'json',
  'application/*': 'json',
};

interface NegotiatedRequest {
  readonly query?: unknown;
  readonly headers: IncomingHttpHeaders;
}

/**
 * The answer's format: `_format` when given (any other value is 406), else the Accept type of
 * highest quality the door writes, else JSON — the door's own, and what FHIR clients expect by
 * default.
 */
export function answerFormatOf(request: NegotiatedRequest): FhirFormat {
  const parameter = formatParameterOf(request.query);
  if (parameter !== undefined) {
    const format = FORMATS[withoutParameters(parameter)];
    if (!format) {
      throw new DomainError(
        'NOT_ACCEPTABLE',
        `_format=${parameter.slice(0, 100)} is not served: use json or xml`,
      );
    }
    return format;
  }
  return acceptedFormatOf(request.headers.accept) ?? 'json';
}

/** For answers written whatever happened (failures): a bad `_format` gets JSON. */
export function answerFormatOrJson(request: NegotiatedRequest): FhirFormat {
  try {
    return answerFormatOf(request);
  } catch {
    return 'json';
  }
}

function formatParameterOf(query: unknown): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?._format;
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first : undefined;
}

function acceptedFormatOf(accept: string | undefined): FhirFormat | undefined {
  let best: { format: FhirFormat; quality: number } | undefined;
  for (const range of (accept ?? '').split(',')) {
    const [type, ...parameters] = range.split(';');
    const format = FORMATS[type.trim().toLowerCase()];
    if (!format) continue;
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (Number.isFinite(quality) && quality > 0 && (!best || quality > best.quality)) {
      best = { format, quality };
    }
  }
  return best?.format;
}

/** An unencoded `+` in the query reads as a space: `_format=application/fhir+xml` is meant. */
function withoutParameters(mediaType: string): string {
  return mediaType.split(';')[0].trim().toLowerCase().replace(/ /g, '+');
}
