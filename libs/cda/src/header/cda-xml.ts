import { SaxesParser, SaxesTagNS } from 'saxes';
import type { XmlElement } from '@passerelle/xds';

/** The CDA R2 namespace. */
export const HL7_V3 = 'urn:hl7-org:v3';

const MAX_DEPTH = 256;
/** A CDA is UTF-8 unless its declaration says otherwise; ISO-8859-1 is still met in France. */
const DECODINGS: Readonly<Record<string, BufferEncoding>> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'iso-8859-1': 'latin1',
  'iso8859-1': 'latin1',
  latin1: 'latin1',
};

/** The XML is not acceptable: not well-formed, a DOCTYPE, an encoding we cannot read. */
export class CdaXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CdaXmlError';
  }
}

/**
 * Parses a CDA document strictly (saxes: well-formedness and namespaces; a DOCTYPE is refused,
 * so no entity is ever expanded). Text below ClinicalDocument/component is dropped: the body
 * may be megabytes of base64 and the metadata come from the header.
 */
export function parseCdaXml(bytes: Buffer): XmlElement {
  const text = bytes.toString(declaredDecoding(bytes)).replace(/^\uFEFF/, '');
  const parser = new SaxesParser({ xmlns: true, position: true });
  const builder = new HeaderTreeBuilder(parser);
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof CdaXmlError) throw error;
    throw new CdaXmlError(`not well-formed XML: ${(error as Error).message}`);
  }
  return builder.root();
}

/** Reads the encoding of the XML declaration (ASCII by definition) before decoding the rest. */
function declaredDecoding(bytes: Buffer): BufferEncoding {
  const parser = new SaxesParser();
  let encoding: string | undefined;
  parser.on('xmldecl', (declaration) => (encoding = declaration.encoding));
  parser.on('error', () => undefined);
  parser.write(
    bytes
      .subarray(0, 256)
      .toString('latin1')
      .replace(/^\u00EF\u00BB\u00BF/, ''),
  );
  if (encoding === undefined) return 'utf8';
  const decoding = DECODINGS[encoding.toLowerCase()];
  if (!decoding) throw new CdaXmlError(`encoding ${encoding} is not supported (use UTF-8)`);
  return decoding;
}

interface OpenElement {
  readonly ns: string;
  readonly local: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  readonly text: string[];
}

class HeaderTreeBuilder {
  private readonly stack: OpenElement[] = [];
  private document?: XmlElement;
  /** Depth of the ClinicalDocument/component element while inside it. */
  private bodyDepth?: number;

  constructor(private readonly parser: SaxesParser<{ xmlns: true; position: true }>) {
    parser.on('doctype', () => this.reject('a DOCTYPE is refused (no DTD, no entities)'));
    parser.on('opentag', (tag) => this.open(tag));
    parser.on('closetag', () => this.close());
    parser.on('text', (data) => this.addText(data));
    parser.on('cdata', (data) => this.addText(data));
    parser.on('error', (error) => {
      throw new CdaXmlError(`not well-formed XML: ${error.message}`);
    });
  }

  root(): XmlElement {
    if (!this.document) throw new CdaXmlError('no root element');
    return this.document;
  }

  private open(tag: SaxesTagNS): void {
    if (this.stack.length >= MAX_DEPTH) this.reject(`elements nested deeper than ${MAX_DEPTH}`);
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
      attributes[attribute.uri ? `{${attribute.uri}}${attribute.local}` : attribute.local] =
        attribute.value;
    }
    if (this.stack.length === 1 && tag.local === 'component' && tag.uri === HL7_V3) {
      this.bodyDepth = 1;
    }
    this.stack.push({ ns: tag.uri, local: tag.local, attributes, children: [], text: [] });
  }

  private close(): void {
    const open = this.stack.pop()!;
    if (this.bodyDepth === this.stack.length) this.bodyDepth = undefined;
    const element: XmlElement = { ...open, text: open.text.join('') };
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(element);
    else this.document = element;
  }

  private addText(data: string): void {
    if (this.bodyDepth !== undefined) return;
    this.stack[this.stack.length - 1]?.text.push(data);
  }

  private reject(message: string): never {
    throw new CdaXmlError(`${message} (line ${this.parser.line}, column ${this.parser.column})`);
  }
}
