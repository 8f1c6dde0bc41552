/**
 * The suite's own reading of SOAP messages as they travel: `application/soap+xml`, or MTOM/XOP
 * `multipart/related` (RFC 2387) whose root part is the envelope. Written here rather than taken
 * from the gateway, so that a defect in the gateway's reader cannot hide itself in its answers.
 */

export interface MimePart {
  /** Content-ID without its angle brackets ('' when the part has none). */
  readonly contentId: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export interface SoapMessage {
  /** The envelope's bytes. */
  readonly root: Buffer;
  /** The other parts by Content-ID (none for plain SOAP). */
  readonly attachments: ReadonlyMap<string, MimePart>;
}

export interface ContentType {
  /** `type/subtype`, lower case. */
  readonly type: string;
  /** Parameters by lower-case name, quoted values unquoted. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** RFC 2045 `type/subtype; name=value; name="quoted; value"`. */
export function parseContentType(header: string): ContentType {
  const [type = '', ...rest] = splitUnquoted(header, ';');
  const parameters: Record<string, string> = {};
  for (const parameter of rest) {
    const equals = parameter.indexOf('=');
    if (equals < 0) continue;
    const raw = parameter.slice(equals + 1).trim();
    parameters[parameter.slice(0, equals).trim().toLowerCase()] =
      raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2
        ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
        : raw;
  }
  return { type: type.trim().toLowerCase(), parameters };
}

function splitUnquoted(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** The envelope and attachments of a SOAP 1.2 message, by its Content-Type; throws otherwise. */
export function readSoapMessage(body: Buffer, contentTypeHeader: string | undefined): SoapMessage {
  const contentType = parseContentType(contentTypeHeader ?? '');
  if (contentType.type === 'application/soap+xml') return { root: body, attachments: new Map() };
  if (contentType.type !== 'multipart/related') {
    throw new Error(`Content-Type ${contentType.type || '(none)'} is neither SOAP nor MTOM`);
  }
  const boundary = contentType.parameters.boundary;
  if (!boundary) throw new Error('multipart/related without a boundary');
  const parts = multipartParts(body, boundary);
  const start = contentType.parameters.start;
  const root =
    start === undefined ? parts[0] : parts.find((p) => p.contentId === withoutBrackets(start));
  if (!root) throw new Error(`No MIME part is the root (start ${start ?? 'not given'})`);
  const attachments = new Map<string, MimePart>();
  for (const part of parts) {
    if (part.contentId === '') continue;
    if (attachments.has(part.contentId)) {
      throw new Error(`Two MIME parts have the Content-ID <${part.contentId}>`);
    }
    attachments.set(part.contentId, part);
  }
  attachments.delete(root.contentId);
  return { root: root.body, attachments };
}

/** The part an `xop:Include/@href` names: a `cid:` URL, percent-encoded (RFC 2392). */
export function attachmentFor(
  attachments: ReadonlyMap<string, MimePart>,
  href: string,
): MimePart | undefined {
  if (!/^cid:/i.test(href)) return undefined;
  try {
    return attachments.get(withoutBrackets(decodeURIComponent(href.slice(4))));
  } catch {
    return undefined;
  }
}

function withoutBrackets(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
}

const LF = 0x0a;
const CR = 0x0d;
const isBlank = (byte: number | undefined) => byte === 0x20 || byte === 0x09;

interface Delimiter {
  /** Where the delimiter's line starts (its preceding line break included). */
  readonly lineStart: number;
  /** The first byte after its line, or 'close' for the closing delimiter. */
  readonly next: number | 'close';
}

/** The parts between `--boundary` lines (CRLF or LF, transport padding allowed), in order. */
export function multipartParts(body: Buffer, boundary: string): MimePart[] {
  const marker = Buffer.from(`--${boundary}`);
  const parts: MimePart[] = [];
  let first = nextDelimiter(body, marker, 0);
  if (!first) throw new Error(`No --${boundary} delimiter in the body`);
  while (first.next !== 'close') {
    const partStart = first.next;
    const following = nextDelimiter(body, marker, partStart);
    if (!following) throw new Error('The multipart body ends before its closing delimiter');
    parts.push(partOf(body.subarray(partStart, following.lineStart)));
    first = following;
  }
  return parts;
}

function nextDelimiter(body: Buffer, marker: Buffer, from: number): Delimiter | undefined {
  for (let at = body.indexOf(marker, from); at >= 0; at = body.indexOf(marker, at + 1)) {
    const lineStart =
      at === from ? at : body[at - 1] === LF ? at - (body[at - 2] === CR ? 2 : 1) : -1;
    if (lineStart < 0) continue;
    let i = at + marker.length;
    if (body[i] === 0x2d && body[i + 1] === 0x2d) return { lineStart, next: 'close' };
    while (isBlank(body[i])) i++;
    if (body[i] === LF) return { lineStart, next: i + 1 };
    if (body[i] === CR && body[i + 1] === LF) return { lineStart, next: i + 2 };
  }
  return undefined;
}

/** Headers a part may give once: a second one would silently win. */
const SINGLE_HEADERS = new Set(['content-id', 'content-type', 'content-transfer-encoding']);

function partOf(bytes: Buffer): MimePart {
  const headers: Record<string, string> = {};
  let lineStart = 0;
  let last: string | undefined;
  for (;;) {
    const lf = bytes.indexOf(LF, lineStart);
    if (lf < 0) throw new Error('A MIME part without the blank line ending its headers');
    const line = bytes.subarray(lineStart, lf).toString('latin1').replace(/\r$/, '');
    lineStart = lf + 1;
    if (line.trim() === '') break;
    if (isBlank(line.charCodeAt(0)) && last !== undefined) {
      headers[last] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`A MIME part header without a name: ${line.slice(0, 80)}`);
    last = line.slice(0, colon).trim().toLowerCase();
    if (SINGLE_HEADERS.has(last) && last in headers)
      throw new Error(`A MIME part has two ${last} headers`);
    headers[last] = line.slice(colon + 1).trim();
  }
  const contentId = withoutBrackets(headers['content-id'] ?? '');
  return {
    contentId,
    contentType: headers['content-type'] ?? 'application/octet-stream',
    body: decoded(bytes.subarray(lineStart), headers['content-transfer-encoding'], contentId),
  };
}

function decoded(raw: Buffer, transferEncoding: string | undefined, contentId: string): Buffer {
  const encoding = (transferEncoding ?? 'binary').trim().toLowerCase();
  if (encoding === 'binary' || encoding === '8bit' || encoding === '7bit') return raw;
  if (encoding !== 'base64') {
    throw new Error(`MIME part <${contentId}>: Content-Transfer-Encoding ${encoding} unsupported`);
  }
  const text = raw.toString('latin1').replace(/\s+/g, '');
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new Error(`MIME part <${contentId}> is not valid base64`);
  }
  return Buffer.from(text, 'base64');
}
