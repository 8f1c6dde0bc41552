import { DOMParser, type Document, type Element, Node as DomNode } from '@xmldom/xmldom';
import { childElementsOf } from '@passerelle/platform';
import { SaxesParser } from 'saxes';

/**
 * A signature document as a DOM, for xadesjs: UTF-8, well-formed, and no DOCTYPE at all — so no
 * DTD, no entity declarations, no external entities. saxes checks first; xmldom, which would
 * read a DTD, only ever sees what saxes accepted.
 */
export function parseSignatureXml(bytes: Buffer, refuse: (reason: string) => Error): Document {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw refuse('it is not UTF-8 text');
  }
  const parser = new SaxesParser({ xmlns: true });
  let doctype = false;
  parser.on('doctype', () => {
    doctype = true;
  });
  let malformed: string | undefined;
  try {
    parser.write(text).close();
  } catch (error) {
    malformed = (error as Error).message.split('\n')[0];
  }
  if (doctype) throw refuse('it has a DOCTYPE (DTDs and entities are not accepted)');
  if (malformed !== undefined) throw refuse(`it is not well-formed XML (${malformed})`);
  return new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw refuse(`it is not well-formed XML (${message})`);
    },
  }).parseFromString(text, 'text/xml');
}

export function childOf(
  parent: DomNode | undefined,
  ns: string,
  local: string,
): Element | undefined {
  return childElementsOf(parent, ns, local)[0];
}

/** Every element of the document: to find each Id once. */
export function allElements(root: Element): Element[] {
  const found: Element[] = [root];
  for (let index = 0; index < found.length; index++) {
    for (let node = found[index].firstChild; node; node = node.nextSibling) {
      if (node.nodeType === DomNode.ELEMENT_NODE) found.push(node as Element);
    }
  }
  return found;
}
