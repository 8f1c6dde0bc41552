import { DomainError } from '@passerelle/domain';
import { DOMParser, type Element, Node as DomNode } from '@xmldom/xmldom';
import type { Fhir } from 'fhir';

const FHIR_NS = 'http://hl7.org/fhir';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/**
 * The FHIR R4 XML form of a resource, both ways, by the `fhir` library (its R4 definitions give
 * each element's type and order). Loaded on first use: most deployments speak JSON only, and
 * the definitions weigh about 30 MB.
 */
let converter: Fhir | undefined;

function fhir(): Fhir {
  if (!converter) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first XML use
    const { Fhir: FhirLibrary } = require('fhir') as typeof import('fhir');
    converter = new FhirLibrary();
  }
  return converter;
}

/**
 * A FHIR XML request body as the resource JSON it stands for. Refused (400 structure): a DTD or
 * entity declaration, XML that is not well-formed, a root outside the FHIR namespace, a value
 * of the wrong type, and any element the R4 definitions do not allow where it is (unknown, or
 * a second one of a 0..1 element) — the converter would drop it silently, and what was sent
 * would not be what is stored.
 */
export function resourceFromFhirXml(xml: string): Record<string, unknown> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw malformed('DTDs and entity declarations are refused');
  const root = documentElementOf(xml);
  if (root.namespaceURI !== FHIR_NS) {
    throw malformed(`its root element must be in the FHIR namespace ${FHIR_NS}`);
  }
  let resource: Record<string, unknown>;
  try {
    resource = fhir().xmlToObj(xml);
  } catch (error) {
    throw malformed(firstLine(error));
  }
  const dropped = missingElements(
    elementNames(root),
    elementNames(documentElementOf(fhir().objToXml(resource))),
  );
  if (dropped.length > 0) {
    throw malformed(
      `R4 does not allow ${dropped.join(', ')} where sent (an unknown element, or one repeated beyond its cardinality)`,
    );
  }
  return resource;
}

/** A resource in FHIR XML (its elements in the definitions' order). */
export function fhirXmlOf(resource: unknown): string {
  return fhir().objToXml(resource as object);
}

function documentElementOf(xml: string): Element {
  let root: Element | null = null;
  try {
    root = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml.replace(/^\uFEFF/, ''), 'text/xml').documentElement;
  } catch (error) {
    throw malformed(firstLine(error));
  }
  if (!root) throw malformed('it holds no root element');
  return root;
}

/** Every FHIR element's local name, once per occurrence (the narrative's XHTML aside). */
function elementNames(root: Element): string[] {
  const names: string[] = [];
  const visit = (element: Element) => {
    if (element.namespaceURI === XHTML_NS) return;
    names.push(element.localName ?? element.nodeName);
    for (let node = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === DomNode.ELEMENT_NODE) visit(node as Element);
    }
  };
  visit(root);
  return names;
}

function missingElements(sent: readonly string[], kept: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const name of kept) left.set(name, (left.get(name) ?? 0) + 1);
  const missing = new Set<string>();
  for (const name of sent) {
    const count = left.get(name) ?? 0;
    if (count === 0) missing.add(name);
    else left.set(name, count - 1);
  }
  return [...missing];
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

function malformed(reason: string): DomainError {
  return new DomainError('MALFORMED_REQUEST', `The request body is not FHIR XML: ${reason}`);
}
