/**
 * A CDA R2 document read for the patient, with the browser's own XML parser: the header (who,
 * by whom, when) and the body's sections, their narrative kept as a small tree of safe elements
 * (no HTML of the document's is ever inserted as such). Level 1 documents carry their body as
 * a base64 file (`nonXMLBody`, usually a PDF), given back as bytes.
 */
const HL7 = 'urn:hl7-org:v3';
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

export interface CdaPerson {
  readonly name: string;
  readonly detail?: string;
}

export interface CdaDocument {
  readonly title: string;
  readonly date?: Date;
  readonly patient: CdaPerson & { readonly birthDate?: Date };
  readonly authors: readonly CdaPerson[];
  readonly custodian?: string;
  readonly sections: readonly CdaSection[];
  readonly attachment?: { readonly mediaType: string; readonly bytes: Uint8Array };
}

export interface CdaSection {
  readonly title: string;
  readonly narrative: readonly NarrativeNode[];
  readonly sections: readonly CdaSection[];
}

export type NarrativeTag =
  | 'p'
  | 'ul'
  | 'ol'
  | 'li'
  | 'table'
  | 'caption'
  | 'thead'
  | 'tbody'
  | 'tfoot'
  | 'tr'
  | 'th'
  | 'td'
  | 'br'
  | 'strong'
  | 'em'
  | 'span'
  | 'sub'
  | 'sup';

export type NarrativeNode =
  | { readonly text: string }
  | { readonly tag: NarrativeTag; readonly children: readonly NarrativeNode[] };

export class NotACdaDocument extends Error {}

export function readCda(xml: string, parser: DOMParser = new DOMParser()): CdaDocument {
  const document = parser.parseFromString(xml, 'application/xml');
  const root = document.documentElement;
  if (
    !root ||
    root.getElementsByTagName('parsererror').length > 0 ||
    root.localName !== 'ClinicalDocument' ||
    root.namespaceURI !== HL7
  ) {
    throw new NotACdaDocument('Ce document n’est pas un document CDA lisible.');
  }
  const patient = path(root, 'recordTarget', 'patientRole', 'patient');
  const body = child(root, 'component');
  return {
    title: textOf(child(root, 'title')) || 'Document médical',
    date: hl7Date(child(root, 'effectiveTime')?.getAttribute('value')),
    patient: {
      name: personName(child(patient, 'name')),
      birthDate: hl7Date(child(patient, 'birthTime')?.getAttribute('value')),
      detail: insOf(path(root, 'recordTarget', 'patientRole')),
    },
    authors: children(root, 'author').map(authorOf),
    custodian:
      textOf(
        path(root, 'custodian', 'assignedCustodian', 'representedCustodianOrganization', 'name'),
      ) || undefined,
    sections: children(child(body, 'structuredBody'), 'component').flatMap((component) => {
      const section = child(component, 'section');
      return section ? [sectionOf(section)] : [];
    }),
    attachment: attachmentOf(child(child(body, 'nonXMLBody'), 'text')),
  };
}

function authorOf(author: Element): CdaPerson {
  const assigned = child(author, 'assignedAuthor');
  const person = child(assigned, 'assignedPerson');
  const organization = textOf(path(assigned, 'representedOrganization', 'name'));
  const device = textOf(path(assigned, 'assignedAuthoringDevice', 'softwareName'));
  const profession = child(assigned, 'code')?.getAttribute('displayName') ?? undefined;
  return {
    name: person ? personName(child(person, 'name')) : organization || device || 'Auteur',
    detail: [profession, person ? organization : undefined].filter(Boolean).join(', ') || undefined,
  };
}

function insOf(patientRole: Element | undefined): string | undefined {
  const ins = children(patientRole, 'id').find((id) =>
    /^1\.2\.250\.1\.213\.1\.4\.(8|9|10|11)$/.test(id.getAttribute('root') ?? ''),
  );
  const value = ins?.getAttribute('extension');
  return value ? `INS ${value}` : undefined;
}

function sectionOf(section: Element): CdaSection {
  const text = child(section, 'text');
  return {
    title:
      textOf(child(section, 'title')) ||
      child(section, 'code')?.getAttribute('displayName') ||
      'Section',
    narrative: text ? narrativeOf(text) : [],
    sections: children(section, 'component').flatMap((component) => {
      const nested = child(component, 'section');
      return nested ? [sectionOf(nested)] : [];
    }),
  };
}

const ELEMENTS: Record<string, NarrativeTag> = {
  paragraph: 'p',
  item: 'li',
  table: 'table',
  caption: 'caption',
  thead: 'thead',
  tbody: 'tbody',
  tfoot: 'tfoot',
  tr: 'tr',
  th: 'th',
  td: 'td',
  br: 'br',
  sub: 'sub',
  sup: 'sup',
  content: 'span',
  linkHtml: 'span',
  footnote: 'span',
};

/** The narrative block (CDA R2 `StrucDoc.Text`) as safe elements; anything else kept as text. */
function narrativeOf(element: Element): NarrativeNode[] {
  return Array.from(element.childNodes).flatMap((node): NarrativeNode[] => {
    if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
      return node.nodeValue ? [{ text: node.nodeValue }] : [];
    }
    if (node.nodeType !== ELEMENT_NODE) return [];
    const item = node as Element;
    if (item.localName === 'renderMultiMedia' || item.localName === 'footnoteRef') return [];
    const children = narrativeOf(item);
    if (item.localName === 'list') {
      return [{ tag: item.getAttribute('listType') === 'ordered' ? 'ol' : 'ul', children }];
    }
    const style = item.getAttribute('styleCode') ?? '';
    if (item.localName === 'content' && /\bBold\b/.test(style))
      return [{ tag: 'strong', children }];
    if (item.localName === 'content' && /\bItalics\b/.test(style)) return [{ tag: 'em', children }];
    const tag = ELEMENTS[item.localName];
    return tag ? [{ tag, children }] : children;
  });
}

function attachmentOf(text: Element | undefined): CdaDocument['attachment'] {
  if (!text || text.getAttribute('representation') !== 'B64') return undefined;
  const base64 = (text.textContent ?? '').replace(/\s+/g, '');
  try {
    const binary = atob(base64);
    return {
      mediaType: text.getAttribute('mediaType') ?? 'application/octet-stream',
      bytes: Uint8Array.from(binary, (character) => character.charCodeAt(0)),
    };
  } catch {
    return undefined;
  }
}

function personName(name: Element | undefined): string {
  if (!name) return 'Nom non précisé';
  const parts = (local: string) => children(name, local).map(textOf).filter(Boolean);
  const family = children(name, 'family');
  const birth = family.find((element) => element.getAttribute('qualifier') === 'BR');
  const used = family.find((element) => element.getAttribute('qualifier') !== 'BR');
  const familyText = used ? textOf(used) : birth ? textOf(birth) : '';
  const born = used && birth ? ` (née ${textOf(birth)})` : '';
  const written = [...parts('prefix'), ...parts('given'), familyText].filter(Boolean).join(' ');
  return (written || textOf(name) || 'Nom non précisé') + born;
}

/** HL7 TS (`YYYYMMDD[HHMM[SS]][±ZZzz]`) as a date. */
export function hl7Date(value: string | null | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(
    value ?? '',
  );
  if (!match) return undefined;
  const [, year, month = '01', day = '01', hour, minute = '00', second = '00', zone] = match;
  if (!hour) return new Date(Number(year), Number(month) - 1, Number(day));
  const offset = zone ? `${zone.slice(0, 3)}:${zone.slice(3)}` : '';
  return new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`);
}

function child(parent: Element | undefined, local: string): Element | undefined {
  return children(parent, local)[0];
}

function children(parent: Element | undefined, local: string): Element[] {
  if (!parent) return [];
  return Array.from(parent.childNodes).filter(
    (node): node is Element =>
      node.nodeType === ELEMENT_NODE &&
      (node as Element).localName === local &&
      (node as Element).namespaceURI === HL7,
  );
}

function path(parent: Element | undefined, ...locals: string[]): Element | undefined {
  return locals.reduce<Element | undefined>((element, local) => child(element, local), parent);
}

function textOf(element: Element | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}
