import { type Element, Node as DomNode } from '@xmldom/xmldom';

/** The element children of `parent` named {ns}local, in document order. */
export function childElementsOf(parent: DomNode | undefined, ns: string, local: string): Element[] {
  const found: Element[] = [];
  for (let node = parent?.firstChild; node; node = node.nextSibling) {
    const element = node as Element;
    if (
      node.nodeType === DomNode.ELEMENT_NODE &&
      element.namespaceURI === ns &&
      element.localName === local
    ) {
      found.push(element);
    }
  }
  return found;
}
