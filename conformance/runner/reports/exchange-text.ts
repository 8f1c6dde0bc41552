import { createHash } from 'node:crypto';
import type { Exchange, HttpRequestRecord, HttpResponseRecord } from '../results';

/** C0 control characters but tab, line feed and carriage return: unreadable, and not XML. */
// eslint-disable-next-line no-control-regex -- finding them is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** Bodies are shown up to this size in reports; the rest is summarised. */
const SHOWN_BYTES = 64 * 1024;

/** A request as text, HTTP-style: request line, headers, blank line, body. */
export function requestText(request: HttpRequestRecord): string {
  return messageText(`${request.method} ${request.url}`, request.headers, request.body);
}

export function responseText(response: HttpResponseRecord): string {
  return messageText(`HTTP ${response.status}`, response.headers, response.body);
}

/** One line naming an exchange: `POST url → 200 (12 ms)`. */
export function exchangeSummary(exchange: Exchange): string {
  const answer = exchange.response
    ? String(exchange.response.status)
    : `no answer: ${exchange.error}`;
  return `${exchange.request.method} ${exchange.request.url} → ${answer} (${Math.round(exchange.durationMs)} ms)`;
}

/** The whole exchange as text, for reports that have no structure (JUnit system-out). */
export function exchangeText(exchange: Exchange): string {
  const answer = exchange.response
    ? responseText(exchange.response)
    : `(no answer: ${exchange.error ?? 'unknown error'})`;
  return `>>> ${requestText(exchange.request)}\n\n<<< ${answer}`;
}

function messageText(
  firstLine: string,
  headers: Readonly<Record<string, string>>,
  body: Buffer | undefined,
): string {
  const headerLines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [firstLine, ...headerLines, '', body ? bodyText(body) : ''].join('\n');
}

/**
 * A body as readable text: UTF-8 with control characters shown as `·` (MTOM messages carry
 * binary parts), or a summary when it is mostly binary; long bodies are cut.
 */
export function bodyText(body: Buffer): string {
  const shown = body.subarray(0, SHOWN_BYTES);
  const text = shown.toString('utf8');
  const unreadable =
    (text.match(CONTROL_CHARACTERS) ?? []).length + (text.match(/\ufffd/g) ?? []).length;
  if (text.length > 0 && unreadable / text.length > 0.1) return binarySummary(body);
  const readable = text.replace(CONTROL_CHARACTERS, '·');
  return body.length > SHOWN_BYTES
    ? `${readable}\n… (${body.length - SHOWN_BYTES} more bytes not shown; ${binarySummary(body)})`
    : readable;
}

function binarySummary(body: Buffer): string {
  return `[${body.length} bytes, SHA-1 ${createHash('sha1').update(body).digest('hex')}]`;
}
