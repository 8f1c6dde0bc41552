import { NS, XmlElement, childOf, childrenOf } from './xml';
import { registryObjectsOf } from './soap-answer';

const IDENTIFIER_SCHEMES: Readonly<Record<string, readonly string[]>> = {
  uniqueId: [
    'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
    'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8',
    'urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a',
  ],
  patientId: [
    'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427',
    'urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446',
    'urn:uuid:f64ffdf0-4b97-4e06-b79f-a52b38ec2f8a',
  ],
};

/**
 * A value of an XDS answer: `<Element>[<index>].<accessor>`, the element looked up among the
 * query's registry objects (or the body's children, e.g. `DocumentResponse`), the accessor one
 * of `@<attribute>`, `slot:<name>` (first value), `uniqueId`, `patientId`, or the name of a
 * child element whose text is wanted (`DocumentUniqueId`).
 */
export function xdsPathValue(body: XmlElement, path: string): string | undefined {
  const match = /^(\w+)\[(\d+)\]\.(.+)$/.exec(path);
  if (!match) throw new Error(`Malformed response path ${path}: expected Element[index].accessor`);
  const [, local, index, accessor] = match;
  const objects = registryObjectsOf(body);
  const candidates = (objects.length > 0 ? objects : body.children).filter(
    (e) => e.local === local,
  );
  const element = candidates[Number(index)];
  return element ? accessorValue(element, accessor) : undefined;
}

function accessorValue(element: XmlElement, accessor: string): string | undefined {
  if (accessor.startsWith('@')) return element.attributes[accessor.slice(1)];
  if (accessor.startsWith('slot:')) {
    const slot = childrenOf(element, NS.rim, 'Slot').find(
      (candidate) => candidate.attributes.name === accessor.slice('slot:'.length),
    );
    const values = slot ? childOf(slot, NS.rim, 'ValueList') : undefined;
    return values ? childOf(values, NS.rim, 'Value')?.text.trim() : undefined;
  }
  const schemes = IDENTIFIER_SCHEMES[accessor];
  if (schemes) {
    return childrenOf(element, NS.rim, 'ExternalIdentifier').find((identifier) =>
      schemes.includes(identifier.attributes.identificationScheme ?? ''),
    )?.attributes.value;
  }
  return element.children.find((child) => child.local === accessor)?.text.trim();
}

/**
 * A value of a JSON answer: dot-separated keys and array indexes, `*` for every item of an
 * array (the rest of the path applies to each), `length` for an array's or string's length.
 */
export function jsonPathValue(document: unknown, path: string): unknown {
  return walk(document, path.split('.'));
}

function walk(value: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) return value;
  const [segment, ...rest] = segments;
  if (segment === '*') {
    return Array.isArray(value) ? value.map((item) => walk(item, rest)) : undefined;
  }
  if (segment === 'length' && (Array.isArray(value) || typeof value === 'string')) {
    return walk(value.length, rest);
  }
  if (typeof value !== 'object' || value === null) return undefined;
  return walk((value as Record<string, unknown>)[segment], rest);
}

/** A body's JSON, or undefined when it is not JSON (a wrong endpoint may answer anything). */
export function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
