/**
 * The parsed XML every XDS reader works on: namespace-resolved elements, nothing else (no
 * DTD, no entities, no processing instructions survive parsing). Produced by `parseXml`.
 */
export interface XmlElement {
  /** Namespace URI of the element ('' when none). */
  readonly ns: string;
  readonly local: string;
  /**
   * Attributes by local name when unprefixed (ebRIM: `id`, `objectType`…); a namespaced
   * attribute is keyed `{namespaceUri}local` (e.g. `{http://www.w3.org/2003/05/soap-envelope}mustUnderstand`).
   */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text (character data and CDATA directly inside it, concatenated). */
  readonly text: string;
}

export const NS = {
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  saml2: 'urn:oasis:names:tc:SAML:2.0:assertion',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xop: 'http://www.w3.org/2004/08/xop/include',
  xdsb: 'urn:ihe:iti:xds-b:2007',
  rim: 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0',
  lcm: 'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0',
  query: 'urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0',
  rs: 'urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

/** First child element with this namespace and local name. */
export function childOf(element: XmlElement, ns: string, local: string): XmlElement | undefined {
  return element.children.find((child) => child.local === local && child.ns === ns);
}

/** Every child element with this namespace and local name, in document order. */
export function childrenOf(element: XmlElement, ns: string, local: string): XmlElement[] {
  return element.children.filter((child) => child.local === local && child.ns === ns);
}

/** An unprefixed attribute's value. */
export function attributeOf(element: XmlElement, name: string): string | undefined {
  return element.attributes[name];
}

/** Trimmed text of the element, undefined when empty. */
export function textOf(element: XmlElement | undefined): string | undefined {
  const text = element?.text.trim();
  return text ? text : undefined;
}
