import { DOMParser } from '@xmldom/xmldom';
import type { Element, Node } from '@xmldom/xmldom';

/**
 * The suite's own reading of XML (the gateway's answers, the messages it sends), on
 * @xmldom/xmldom rather than the gateway's parser, so that a defect there cannot hide itself
 * here. Namespace-resolved elements, nothing else.
 */
export interface XmlElement {
  /** Namespace URI of the element ('' when none). */
  readonly ns: string;
  readonly local: string;
  /** Attributes by local name when unprefixed; a namespaced one is keyed `{namespaceUri}local`. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (character data and CDATA directly inside it, concatenated). */
  readonly text: string;
}

export const NS = {
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  xop: 'http://www.w3.org/2004/08/xop/include',
  xdsb: 'urn:ihe:iti:xds-b:2007',
  rim: 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0',
  lcm: 'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0',
  rs: 'urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0',
} as const;

const XMLNS = 'http://www.w3.org/2000/xmlns/';
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const DOCUMENT_TYPE_NODE = 10;
const LATIN1_DECLARATION = /^<\?xml\s[^?]*?\bencoding\s*=\s*(["'])(iso-8859-1|latin1)\1/i;

/** XML 1.0 end-of-line handling (§2.11): CRLF and a lone CR become LF, nothing else. */
function xml10LineEndings(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * Parses XML with namespaces; any parser error or warning refuses the document, and so does a
 * DOCTYPE (no DTD, no entity declarations, no external entities). Bytes are UTF-8 unless the
 * declaration says ISO-8859-1; a BOM and blanks before the first `<` are skipped.
 */
export function parseXml(source: Buffer | string): XmlElement {
  const text = (typeof source === 'string' ? source : decode(source)).replace(/^\uFEFF?\s*/, '');
  const parser = new DOMParser({
    locator: true,
    normalizeLineEndings: xml10LineEndings,
    onError: (level, message) => {
      throw new Error(`XML ${level}: ${message}`);
    },
  });
  const document = parser.parseFromString(text, 'text/xml');
  for (let node = document.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === DOCUMENT_TYPE_NODE) throw new Error('XML with a DOCTYPE is refused');
  }
  if (!document.documentElement) throw new Error('XML without a root element');
  return elementOf(document.documentElement);
}

function decode(bytes: Buffer): string {
  const head = bytes
    .subarray(0, 256)
    .toString('latin1')
    .replace(/^(\xEF\xBB\xBF)?\s*/, '');
  if (LATIN1_DECLARATION.test(head)) return bytes.toString('latin1');
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

function elementOf(element: Element): XmlElement {
  const attributes: Record<string, string> = {};
  for (let i = 0; i < element.attributes.length; i++) {
    const attribute = element.attributes.item(i)!;
    if (attribute.namespaceURI === XMLNS) continue;
    const local = attribute.localName ?? attribute.name;
    attributes[attribute.namespaceURI ? `{${attribute.namespaceURI}}${local}` : local] =
      attribute.value;
  }
  const children: XmlElement[] = [];
  let text = '';
  for (let node: Node | null = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === ELEMENT_NODE) children.push(elementOf(node as Element));
    else if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
      text += node.nodeValue ?? '';
    }
  }
  return {
    ns: element.namespaceURI ?? '',
    local: element.localName ?? element.nodeName,
    attributes,
    children,
    text,
  };
}

/** First child element with this namespace and local name. */
export function childOf(element: XmlElement, ns: string, local: string): XmlElement | undefined {
  return element.children.find((child) => child.local === local && child.ns === ns);
}

/** Every child element with this namespace and local name, in document order. */
export function childrenOf(element: XmlElement, ns: string, local: string): XmlElement[] {
  return element.children.filter((child) => child.local === local && child.ns === ns);
}

/** Trimmed text of the element, undefined when empty. */
export function textOf(element: XmlElement | undefined): string | undefined {
  const text = element?.text.trim();
  return text ? text : undefined;
}
