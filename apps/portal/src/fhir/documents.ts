import type {
  CodeableConcept,
  Coding,
  DocumentReference,
  FhirResource,
  HumanName,
  Organization,
  Practitioner,
  Reference,
} from 'fhir/r4';
import categoriesFile from '../../../../fixtures/terminology/patient-categories.json';

export const PATIENT_CATEGORY_SYSTEM = 'urn:passerelle:fhir:CodeSystem:categorie-mon-espace-sante';
export const RESTRICTION_SYSTEM = 'urn:oid:1.2.250.1.213.1.1.4.13';
export const MASQUE_PS = 'MASQUE_PS';
/** Who signed the submission set (IHE DSG), as the gateway verified it on receipt. */
export const SIGNED_BY_EXTENSION = 'urn:passerelle:fhir:StructureDefinition:dsg-signed-by';

/** The categories of Mon espace santé's Documents tab, in their order. */
export const CATEGORIES: readonly { readonly code: string; readonly label: string }[] =
  categoriesFile.categories.map(({ code, display }) => ({ code, label: display }));
const FALLBACK_CATEGORY = categoriesFile.fallback;

/** A document as the patient sees it in his list. */
export interface PatientDocument {
  readonly id: string;
  readonly title: string;
  readonly category: string;
  readonly typeCode: string;
  readonly typeLabel: string;
  /** When the document was written (its creation time), else when it was shared. */
  readonly date: Date;
  readonly authors: readonly string[];
  readonly mimeType: string;
  readonly binaryUrl?: string;
  readonly size?: number;
  /** Hidden from professionals (MASQUE_PS) but his médecins traitants and its author. */
  readonly hiddenFromProfessionals: boolean;
  /** The XDS uniqueId, as the access history names documents. */
  readonly uniqueId?: string;
  /** Who signed it, when it came signed. */
  readonly signedBy?: string;
  readonly resource: DocumentReference;
}

export function patientDocumentFrom(resource: DocumentReference): PatientDocument {
  const attachment = resource.content?.[0]?.attachment;
  const typeCoding = resource.type?.coding?.[0];
  const category = resource.category
    ?.flatMap((concept) => concept.coding ?? [])
    .find((coding) => coding.system === PATIENT_CATEGORY_SYSTEM)?.code;
  return {
    id: resource.id ?? '',
    title: attachment?.title ?? typeCoding?.display ?? 'Document sans titre',
    category: category ?? FALLBACK_CATEGORY,
    typeCode: typeCoding?.code ?? '',
    typeLabel: typeCoding?.display ?? typeCoding?.code ?? 'Type non précisé',
    date: new Date(attachment?.creation ?? resource.date ?? 0),
    authors: authorsOf(resource),
    mimeType: attachment?.contentType ?? 'application/octet-stream',
    binaryUrl: attachment?.url,
    size: attachment?.size,
    hiddenFromProfessionals: hasRestriction(resource.securityLabel, MASQUE_PS),
    uniqueId: resource.masterIdentifier?.value?.replace(/^urn:oid:/, ''),
    signedBy: resource.extension
      ?.find((extension) => extension.url === SIGNED_BY_EXTENSION)
      ?.extension?.find((part) => part.url === 'name')?.valueString,
    resource,
  };
}

function hasRestriction(labels: readonly CodeableConcept[] | undefined, code: string): boolean {
  return (labels ?? []).some((label) =>
    (label.coding ?? []).some(
      (coding) => coding.system === RESTRICTION_SYSTEM && coding.code === code,
    ),
  );
}

/** The security labels with MASQUE_PS set or lifted, every other one kept (DESIGN §4). */
export function securityLabelsWith(
  resource: DocumentReference,
  hidden: boolean,
): CodeableConcept[] {
  const others = (resource.securityLabel ?? []).filter(
    (label) => !hasRestriction([label], MASQUE_PS),
  );
  const masque: Coding = { system: RESTRICTION_SYSTEM, code: MASQUE_PS };
  return hidden ? [...others, { coding: [masque] }] : others;
}

/** The authors' names (and their structure), from the contained resources. */
function authorsOf(resource: DocumentReference): string[] {
  const contained = new Map<string, FhirResource>(
    (resource.contained ?? []).map((item) => [`#${item.id ?? ''}`, item as FhirResource]),
  );
  const find = (reference: Reference | undefined) =>
    reference?.reference ? contained.get(reference.reference) : undefined;
  return (resource.author ?? []).flatMap((reference) => {
    const author = find(reference);
    if (!author) return reference.display ? [reference.display] : [];
    if (author.resourceType === 'Practitioner') return [nameOf(author.name)];
    if (author.resourceType === 'Organization') return [author.name ?? 'Structure de soins'];
    if (author.resourceType === 'PractitionerRole') {
      const role = author;
      const person = find(role.practitioner) as Practitioner | undefined;
      const organization = find(role.organization) as Organization | undefined;
      const parts = [person && nameOf(person.name), organization?.name].filter(Boolean);
      return parts.length ? [parts.join(', ')] : [];
    }
    if (author.resourceType === 'Patient') return ['Vous-même'];
    return [];
  });
}

export function nameOf(names: readonly HumanName[] | undefined): string {
  const name = names?.[0];
  if (!name) return 'Nom non précisé';
  if (name.text) return name.text;
  return [...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

export interface DocumentFilters {
  readonly type: string;
  readonly author: string;
  /** yyyy-mm-dd, inclusive; empty for no bound. */
  readonly from: string;
  readonly to: string;
}

export const NO_FILTER: DocumentFilters = { type: '', author: '', from: '', to: '' };

/** The documents that pass the filters, newest first. */
export function filtered(
  documents: readonly PatientDocument[],
  filters: DocumentFilters,
): PatientDocument[] {
  const from = filters.from ? new Date(`${filters.from}T00:00:00`) : undefined;
  const to = filters.to ? new Date(`${filters.to}T23:59:59.999`) : undefined;
  return documents
    .filter(
      (document) =>
        (!filters.type || document.typeCode === filters.type) &&
        (!filters.author || document.authors.includes(filters.author)) &&
        (!from || document.date >= from) &&
        (!to || document.date <= to),
    )
    .sort((a, b) => b.date.getTime() - a.date.getTime());
}

/** The distinct types and authors of the documents, for the filters' choices. */
export function filterChoices(documents: readonly PatientDocument[]) {
  const types = new Map(documents.map((document) => [document.typeCode, document.typeLabel]));
  const authors = new Set(documents.flatMap((document) => document.authors));
  const byLabel = (a: string, b: string) => a.localeCompare(b, 'fr');
  return {
    types: [...types].sort(([, a], [, b]) => byLabel(a, b)),
    authors: [...authors].sort(byLabel),
  };
}

/** How the viewer shows a document. */
export type DocumentKind = 'pdf' | 'cda' | 'image' | 'text' | 'other';

export function kindOf(document: Pick<PatientDocument, 'mimeType'>): DocumentKind {
  const type = document.mimeType.toLowerCase();
  if (type === 'application/pdf') return 'pdf';
  if (type === 'text/xml' || type === 'application/xml' || type === 'application/hl7-v3+xml') {
    return 'cda';
  }
  if (type.startsWith('image/')) return 'image';
  if (type === 'text/plain') return 'text';
  return 'other';
}

/** A file name for a download: the title, and the extension of its type. */
export function fileNameOf(document: Pick<PatientDocument, 'title' | 'mimeType'>): string {
  const extensions: Record<string, string> = {
    'application/pdf': 'pdf',
    'text/xml': 'xml',
    'application/xml': 'xml',
    'text/plain': 'txt',
    'image/jpeg': 'jpg',
    'image/png': 'png',
  };
  const base = document.title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  return `${base || 'document'}.${extensions[document.mimeType] ?? 'bin'}`;
}
