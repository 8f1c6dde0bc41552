import { SaxesParser, SaxesTagNS } from 'saxes';
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
 * attributes and text. A BOM and whitespace before the XML declaration are tolerated (seen in
 * real DMP captures).
 */
export function parseXml(source: Buffer | string, limits: Partial<XmlLimits> = {}): XmlElement {
  const text = (typeof source === 'string' ? source : source.toString('utf8')).replace(
    /^\uFEFF?\s+(?=<)/,
    '',
  );
  const bounds = { ...DEFAULT_XML_LIMITS, maxTextCharacters: text.length, ...limits };
  const parser = new SaxesParser({ xmlns: true, position: true });
  const builder = new TreeBuilder(parser, bounds);
  try {
    parser.write(text.replace(/^\uFEFF/, '')).close();
  } catch (error) {
    if (error instanceof XmlRejected) throw error;
    throw new XmlRejected('not-well-formed', (error as Error).message);
  }
  return builder.root();
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
