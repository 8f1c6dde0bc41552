import { decodeBase64Strict, excerpt } from '@passerelle/domain';
import type { Readable } from 'node:stream';
import { TransportRejected } from './transport-errors';

export interface MimePart {
  /** Content-ID without its angle brackets ('' when the part has none). */
  readonly contentId: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** A SOAP request as received: the envelope's bytes and, for MTOM, the other MIME parts. */
export interface SoapRequestBody {
  readonly root: Buffer;
  readonly rootContentType: string;
  readonly mtom: boolean;
  readonly attachments: ReadonlyMap<string, MimePart>;
}

export interface BodyLimits {
  readonly maxRequestBytes: number;
  readonly maxPartBytes: number;
}

export interface ContentType {
  readonly type: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** RFC 2045 `type/subtype; name=value; name="quoted; value"` (names case-insensitive). */
export function parseContentType(header: string): ContentType {
  const [typePart, ...rest] = splitParameters(header);
  const parameters: Record<string, string> = {};
  for (const parameter of rest) {
    const equals = parameter.indexOf('=');
    if (equals < 0) continue;
    const name = parameter.slice(0, equals).trim().toLowerCase();
    const raw = parameter.slice(equals + 1).trim();
    parameters[name] = raw.startsWith('"') ? unquote(raw) : raw;
  }
  return { type: typePart.trim().toLowerCase(), parameters };
}

function splitParameters(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (quoted && c === '\\' && i + 1 < header.length) {
      current += c + header[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

function unquote(raw: string): string {
  const end = raw.lastIndexOf('"');
  return raw.slice(1, end > 0 ? end : undefined).replace(/\\(.)/g, '$1');
}

/**
 * Reads a SOAP 1.2 request body: `application/soap+xml` (the envelope) or `multipart/related`
 * MTOM/XOP (the envelope part and the documents), streamed once, within the limits.
 */
export async function readSoapRequest(
  body: Readable,
  contentTypeHeader: string | undefined,
  limits: BodyLimits,
): Promise<SoapRequestBody> {
  const contentType = parseContentType(contentTypeHeader ?? '');
  if (contentType.type === 'application/soap+xml') {
    const root = await readWhole(body, limits.maxRequestBytes);
    return { root, rootContentType: contentType.type, mtom: false, attachments: new Map() };
  }
  if (contentType.type !== 'multipart/related') {
    throw new TransportRejected(
      'unsupported-media-type',
      `Content-Type ${excerpt(contentType.type) || '(none)'}: send application/soap+xml or multipart/related (MTOM/XOP)`,
    );
  }
  const boundary = contentType.parameters.boundary;
  if (!boundary) {
    throw new TransportRejected('malformed-multipart', 'multipart/related without a boundary');
  }
  const parts = await readParts(body, boundary, limits);
  return soapRequestFrom(parts, contentType.parameters.start);
}

function soapRequestFrom(parts: readonly MimePart[], start: string | undefined): SoapRequestBody {
  const rootId = start ? withoutBrackets(start) : undefined;
  const root = rootId === undefined ? parts[0] : parts.find((p) => p.contentId === rootId);
  if (!root) {
    throw new TransportRejected(
      'missing-root-part',
      rootId === undefined
        ? 'The multipart request has no part'
        : `No part has the Content-ID <${excerpt(rootId)}> named by the start parameter`,
    );
  }
  return {
    root: root.body,
    rootContentType: root.contentType,
    mtom: true,
    attachments: attachmentsOf(parts, root),
  };
}

/** The parts an xop:Include may name, by Content-ID; an id given twice is refused, not overwritten. */
function attachmentsOf(parts: readonly MimePart[], root: MimePart): Map<string, MimePart> {
  const seen = new Set<string>();
  for (const { contentId } of parts) {
    if (contentId === '') continue;
    if (seen.has(contentId)) {
      throw new TransportRejected(
        'malformed-multipart',
        `Two MIME parts have the Content-ID <${excerpt(contentId)}>`,
      );
    }
    seen.add(contentId);
  }
  return new Map(
    parts
      .filter((part) => part !== root && part.contentId !== '')
      .map((part): [string, MimePart] => [part.contentId, part]),
  );
}

/** The part an `xop:Include/@href` (`cid:` URL, percent-encoded per RFC 2392) names. */
export function attachmentFor(
  attachments: ReadonlyMap<string, MimePart>,
  href: string,
): MimePart | undefined {
  if (!/^cid:/i.test(href)) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(href.slice(4));
  } catch {
    return undefined;
  }
  return attachments.get(withoutBrackets(id));
}

function withoutBrackets(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
}

async function readWhole(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  await consume(body, (chunk) => {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  });
  return Buffer.concat(chunks, size);
}

async function readParts(body: Readable, boundary: string, limits: BodyLimits) {
  const scanner = new MultipartScanner(boundary, limits.maxPartBytes);
  let size = 0;
  await consume(body, (chunk) => {
    size += chunk.length;
    if (size > limits.maxRequestBytes) throw tooLarge(limits.maxRequestBytes);
    scanner.push(chunk);
  });
  return scanner.end();
}

function tooLarge(maxBytes: number): TransportRejected {
  return new TransportRejected('request-too-large', `The request exceeds ${maxBytes} bytes`);
}

/**
 * Feeds each chunk to `onChunk` as it arrives. When `onChunk` refuses the request, the rest of
 * the body is drained unread so that the refusal can still be answered on the connection.
 */
function consume(body: Readable, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let refusal: Error | undefined;
    body.on('data', (chunk: Buffer | string) => {
      if (refusal !== undefined) return;
      try {
        onChunk(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      } catch (error) {
        refusal = error instanceof Error ? error : new Error(String(error));
      }
    });
    body.once('end', () => (refusal === undefined ? resolve() : reject(refusal)));
    body.once('error', (error) => reject(refusal ?? error));
  });
}

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
/** Indentation tolerated before a delimiter (pretty-printed captures such as the DMP's). */
const MAX_INDENT = 64;
const MAX_HEADER_BYTES = 16 * 1024;

interface PartInProgress {
  readonly headers: Readonly<Record<string, string>>;
  readonly chunks: Buffer[];
  size: number;
}

/**
 * A multipart body scanner fed chunk by chunk: keeps only a delimiter's length of unread
 * bytes between chunks; part bodies are collected as chunk lists and joined once at their end.
 * Lenient as real senders need: CRLF or bare LF, indented delimiters and header lines,
 * transport padding after delimiters, preamble and epilogue ignored.
 */
class MultipartScanner {
  private readonly delimiter: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  private state: 'preamble' | 'headers' | 'body' | 'done' = 'preamble';
  private current?: PartInProgress;
  private readonly parts: MimePart[] = [];
  /** Nothing read yet since the body (or the preamble) began: a delimiter may open the buffer. */
  private atStart = true;

  constructor(
    boundary: string,
    private readonly maxPartBytes: number,
  ) {
    this.delimiter = Buffer.from(`--${boundary}`);
  }

  push(chunk: Buffer): void {
    if (this.state === 'done') return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.step()) {
      // each step consumes what it can; it returns false when it needs more bytes
    }
  }

  end(): MimePart[] {
    if (this.state !== 'done') {
      throw new TransportRejected(
        'malformed-multipart',
        'The multipart body ends before its closing delimiter',
      );
    }
    return this.parts;
  }

  private step(): boolean {
    switch (this.state) {
      case 'preamble':
      case 'body':
        return this.findDelimiter();
      case 'headers':
        return this.readHeaders();
      case 'done':
        return false;
    }
  }

  /** Looks for the next delimiter line; bytes before it belong to the current part's body. */
  private findDelimiter(): boolean {
    let from = 0;
    for (;;) {
      const at = this.pending.indexOf(this.delimiter, from);
      if (at < 0) {
        this.keepTail();
        return false;
      }
      const lineStart = this.lineStartBefore(at);
      if (lineStart === undefined) {
        from = at + 1;
        continue;
      }
      const after = at + this.delimiter.length;
      const next = this.afterDelimiter(after);
      if (next === 'more') return false;
      if (next === 'not-delimiter') {
        from = at + 1;
        continue;
      }
      this.addToBody(this.pending.subarray(0, lineStart));
      this.finishPart();
      if (next === 'close') {
        this.state = 'done';
        this.pending = Buffer.alloc(0);
        return false;
      }
      this.pending = this.pending.subarray(next);
      this.state = 'headers';
      this.current = undefined;
      return true;
    }
  }

  /**
   * Where the delimiter's line starts (the line break before it belongs to the delimiter), or
   * undefined when `at` is not at the start of a line (indentation allowed).
   */
  private lineStartBefore(at: number): number | undefined {
    let i = at;
    while (
      i > 0 &&
      at - i < MAX_INDENT &&
      (this.pending[i - 1] === SPACE || this.pending[i - 1] === TAB)
    ) {
      i--;
    }
    if (i === 0) return this.atStart ? 0 : undefined;
    if (this.pending[i - 1] !== LF) return undefined;
    return i >= 2 && this.pending[i - 2] === CR ? i - 2 : i - 1;
  }

  /** After `--boundary`: `--` closes, padding + line break opens a part; index of the next byte. */
  private afterDelimiter(index: number): number | 'close' | 'more' | 'not-delimiter' {
    const bytes = this.pending;
    if (index + 2 > bytes.length) return 'more';
    if (bytes[index] === 0x2d && bytes[index + 1] === 0x2d) return 'close';
    let i = index;
    while (i < bytes.length && (bytes[i] === SPACE || bytes[i] === TAB)) i++;
    if (i >= bytes.length) return 'more';
    if (bytes[i] === LF) return i + 1;
    if (bytes[i] === CR) {
      if (i + 1 >= bytes.length) return 'more';
      return bytes[i + 1] === LF ? i + 2 : 'not-delimiter';
    }
    return 'not-delimiter';
  }

  /** Keeps what could be the start of a delimiter split across chunks; the rest is body. */
  private keepTail(): void {
    const keep = this.delimiter.length + MAX_INDENT + 2;
    if (this.pending.length <= keep) return;
    const cut = this.pending.length - keep;
    this.addToBody(this.pending.subarray(0, cut));
    this.pending = this.pending.subarray(cut);
    this.atStart = false;
  }

  /** The header block must end within MAX_HEADER_BYTES, however the bytes arrive. */
  private readHeaders(): boolean {
    const end = headerBlockEnd(this.pending.subarray(0, MAX_HEADER_BYTES));
    if (end === undefined) {
      if (this.pending.length >= MAX_HEADER_BYTES) {
        throw new TransportRejected(
          'malformed-multipart',
          `MIME part headers exceed ${MAX_HEADER_BYTES} bytes`,
        );
      }
      return false;
    }
    const headers = parseHeaders(this.pending.subarray(0, end.headersEnd).toString('latin1'));
    this.current = { headers, chunks: [], size: 0 };
    this.pending = this.pending.subarray(end.bodyStart);
    this.state = 'body';
    this.atStart = true;
    return true;
  }

  private addToBody(bytes: Buffer): void {
    if (this.state !== 'body' || !this.current || bytes.length === 0) return;
    this.current.size += bytes.length;
    if (this.current.size > this.maxPartBytes) {
      throw new TransportRejected(
        'part-too-large',
        `A MIME part exceeds ${this.maxPartBytes} bytes`,
      );
    }
    this.current.chunks.push(Buffer.from(bytes));
  }

  private finishPart(): void {
    if (this.state !== 'body' || !this.current) return;
    const { headers, chunks, size } = this.current;
    const contentId = withoutBrackets(headers['content-id'] ?? '');
    this.parts.push({
      contentId,
      contentType: headers['content-type'] ?? 'application/octet-stream',
      body: decodedBody(
        Buffer.concat(chunks, size),
        headers['content-transfer-encoding'],
        contentId,
      ),
    });
  }
}

/** The identity encodings (RFC 2045 §6.2) as they are; base64 strictly; anything else refused. */
function decodedBody(raw: Buffer, transferEncoding: string | undefined, contentId: string): Buffer {
  const encoding = (transferEncoding ?? 'binary').trim().toLowerCase();
  if (IDENTITY_ENCODINGS.has(encoding)) return raw;
  if (encoding !== 'base64') {
    throw new TransportRejected(
      'malformed-multipart',
      `MIME part <${excerpt(contentId)}>: Content-Transfer-Encoding ${excerpt(encoding)} is not supported (binary, 8bit, 7bit or base64)`,
    );
  }
  const decoded = decodeBase64Strict(raw);
  if (!decoded) {
    throw new TransportRejected(
      'malformed-multipart',
      `MIME part <${excerpt(contentId)}> is not valid base64`,
    );
  }
  return decoded;
}

const IDENTITY_ENCODINGS = new Set(['binary', '8bit', '7bit']);

/** The blank (or whitespace-only) line ending a header block. */
function headerBlockEnd(bytes: Buffer): { headersEnd: number; bodyStart: number } | undefined {
  let lineStart = 0;
  for (;;) {
    const lf = bytes.indexOf(LF, lineStart);
    if (lf < 0) return undefined;
    const line = bytes.subarray(lineStart, lf);
    if (line.every((b) => b === SPACE || b === TAB || b === CR)) {
      return { headersEnd: lineStart, bodyStart: lf + 1 };
    }
    lineStart = lf + 1;
  }
}

/** Headers a part may give once: a second one would silently win. */
const SINGLE_HEADERS = new Set(['content-id', 'content-type', 'content-transfer-encoding']);

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  let last: string | undefined;
  for (const rawLine of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(rawLine) && last && !rawLine.trim().includes(':')) {
      headers[last] += ` ${rawLine.trim()}`;
      continue;
    }
    const line = rawLine.trim();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    if (SINGLE_HEADERS.has(last) && last in headers) {
      throw new TransportRejected('malformed-multipart', `A MIME part has two ${last} headers`);
    }
    headers[last] = line.slice(colon + 1).trim();
  }
  return headers;
}
