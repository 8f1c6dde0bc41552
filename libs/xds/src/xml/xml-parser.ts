import { SaxesParser, SaxesTagNS } from 'saxes';
import { isAscii } from 'node:buffer';
import { XmlRejected } from '../transport/transport-errors';
import type { XmlElement } from './xml-element';

export interface XmlLimits {
  readonly maxDepth: number;
  readonly maxElements: number;
  readonly maxAttributesPerElement: number;
  /** Characters of text content in the whole document. */
  readonly maxTextCharacters: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxDepth: 64,
  maxElements: 1_000_000,
  maxAttributesPerElement: 256,
  maxTextCharacters: Number.MAX_SAFE_INTEGER,
};

interface OpenElement {
  readonly ns: string;
  readonly local: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  readonly text: string[];
}

/**
 * Parses XML strictly (saxes): well-formedness and namespaces enforced; no DOCTYPE at all — so
 * no DTD, no entity declarations, no external entities — and limits on depth, element count,
 * attributes and text. Bytes are decoded as `decodeXml` says.
 */
export function parseXml(source: Buffer | string, limits: Partial<XmlLimits> = {}): XmlElement {
  const text = typeof source === 'string' ? source.replace(LEADING_BLANK, '') : decodeXml(source);
  const bounds = { ...DEFAULT_XML_LIMITS, maxTextCharacters: text.length, ...limits };
  const parser = new SaxesParser({ xmlns: true, position: true });
  const builder = new TreeBuilder(parser, bounds);
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof XmlRejected) throw error;
    throw new XmlRejected('not-well-formed', (error as Error).message);
  }
  return builder.root();
}

const LEADING_BLANK = /^\uFEFF?\s*(?=<)/;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const XML_DECLARATION_ENCODING =
  /^<\?xml\s[^?]*?\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/;
const DECODERS: Readonly<Record<string, (bytes: Buffer) => string>> = {
  'utf-8': (bytes) => new TextDecoder('utf-8', { fatal: true }).decode(bytes),
  'iso-8859-1': (bytes) => bytes.toString('latin1'),
  'us-ascii': (bytes) => {
    if (!isAscii(bytes)) throw new Error('a byte above 0x7F');
    return bytes.toString('latin1');
  },
};
const ENCODING_ALIASES: Readonly<Record<string, keyof typeof DECODERS>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'iso-8859-1': 'iso-8859-1',
  iso_8859_1: 'iso-8859-1',
  'iso_8859-1': 'iso-8859-1',
  latin1: 'iso-8859-1',
  'us-ascii': 'us-ascii',
  ascii: 'us-ascii',
};

/**
 * XML bytes as text, in the encoding the XML declaration names (UTF-8 when none): UTF-8,
 * ISO-8859-1 or US-ASCII; any other encoding, or a byte the encoding does not allow, is refused
 * rather than decoded into other text. A UTF-8 BOM and whitespace before the declaration are
 * tolerated (seen in real DMP captures).
 */
export function decodeXml(bytes: Buffer): string {
  const hasBom = bytes.subarray(0, 3).equals(UTF8_BOM);
  const start = firstNonBlank(bytes, hasBom ? 3 : 0);
  const xml = bytes.subarray(start);
  const declared = XML_DECLARATION_ENCODING.exec(xml.subarray(0, 256).toString('latin1'))?.[2];
  const encoding = declared === undefined ? 'utf-8' : ENCODING_ALIASES[declared.toLowerCase()];
  if (encoding === undefined || (hasBom && encoding !== 'utf-8')) {
    throw new XmlRejected(
      'unsupported-encoding',
      `The XML declaration's encoding ${declared ?? ''} is not supported (UTF-8, ISO-8859-1 or US-ASCII)${hasBom ? ' or contradicts the UTF-8 byte order mark' : ''}`,
    );
  }
  try {
    return DECODERS[encoding](xml);
  } catch {
    throw new XmlRejected('unsupported-encoding', `The XML is not valid ${encoding.toUpperCase()}`);
  }
}

function firstNonBlank(bytes: Buffer, from: number): number {
  let i = from;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)
  )
    i++;
  return i < bytes.length && bytes[i] === 0x3c ? i : from;
}

class TreeBuilder {
  private readonly stack: OpenElement[] = [];
  private document?: XmlElement;
  private elements = 0;
  private textCharacters = 0;

  constructor(
    private readonly parser: SaxesParser<{ xmlns: true; position: true }>,
    private readonly limits: XmlLimits,
  ) {
    parser.on('doctype', () => this.reject('dtd-forbidden', 'DOCTYPE declarations are refused'));
    parser.on('opentag', (tag) => this.open(tag));
    parser.on('closetag', () => this.close());
    parser.on('text', (data) => this.addText(data));
    parser.on('cdata', (data) => this.addText(data));
    parser.on('error', (error) => {
      throw new XmlRejected('not-well-formed', error.message);
    });
  }

  root(): XmlElement {
    if (!this.document) throw new XmlRejected('not-well-formed', 'No root element');
    return this.document;
  }

  private open(tag: SaxesTagNS): void {
    this.elements += 1;
    if (this.elements > this.limits.maxElements) {
      this.reject('too-many-elements', `More than ${this.limits.maxElements} elements`);
    }
    if (this.stack.length >= this.limits.maxDepth) {
      this.reject('too-deep', `Elements nested deeper than ${this.limits.maxDepth}`);
    }
    const attributes: Record<string, string> = {};
    let count = 0;
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
      count += 1;
      attributes[attribute.uri ? `{${attribute.uri}}${attribute.local}` : attribute.local] =
        attribute.value;
    }
    if (count > this.limits.maxAttributesPerElement) {
      this.reject(
        'too-many-attributes',
        `More than ${this.limits.maxAttributesPerElement} attributes`,
      );
    }
    this.stack.push({ ns: tag.uri, local: tag.local, attributes, children: [], text: [] });
  }

  private close(): void {
    const open = this.stack.pop()!;
    const element: XmlElement = {
      ns: open.ns,
      local: open.local,
      attributes: open.attributes,
      children: open.children,
      text: open.text.length === 1 ? open.text[0] : open.text.join(''),
    };
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(element);
    else this.document = element;
  }

  private addText(data: string): void {
    this.textCharacters += data.length;
    if (this.textCharacters > this.limits.maxTextCharacters) {
      this.reject(
        'text-too-large',
        `More than ${this.limits.maxTextCharacters} characters of text`,
      );
    }
    this.stack[this.stack.length - 1]?.text.push(data);
  }

  private reject(reason: XmlRejected['reason'], message: string): never {
    throw new XmlRejected(
      reason,
      `${message} (line ${this.parser.line}, column ${this.parser.column})`,
    );
  }
}
