import {
  Author,
  Coded,
  DomainError,
  INS_OID,
  Institution,
  PatientId,
  PersonName,
  SourcePatientInfo,
  codeKey,
} from '@passerelle/domain';
import type { XmlElement } from '@passerelle/xds';
import { HL7_V3 } from './cda-xml';
import { hl7DateToFhirDate, parseHl7Instant } from './hl7-time';

/** What the CDA R2 header says, mapped the way CI-SIS maps it to XDS metadata. */
export interface CdaHeader {
  /** ClinicalDocument/id: `root^extension` for an OID root, `urn:uuid:…` for a UUID. */
  readonly uniqueId: string;
  readonly templateIds: readonly string[];
  readonly typeCode: Coded;
  readonly title?: string;
  readonly creationTime: Date;
  readonly confidentialityCode: Coded;
  readonly languageCode?: string;
  readonly patientId: PatientId;
  /** The producer's own patient id (IPP) when given, else the INS, as CX. */
  readonly sourcePatientId: string;
  readonly sourcePatientInfo: SourcePatientInfo;
  readonly authors: readonly Author[];
  readonly legalAuthenticator?: PersonName;
  readonly custodian?: Institution;
  readonly serviceStartTime?: Date;
  readonly serviceStopTime?: Date;
  readonly eventCodes: readonly Coded[];
  readonly healthcareFacilityTypeCode?: Coded;
  readonly practiceSettingCode?: Coded;
  readonly encounterCode?: Coded;
  /** relatedDocument[@typeCode=RPLC]/parentDocument/id: the document this version replaces. */
  readonly replacedDocumentId?: string;
  /** component/nonXMLBody/text@mediaType of a level-1 (unstructured) document. */
  readonly unstructuredBodyMediaType?: string;
}

/** Everything wrong with a header at once, each problem naming its CDA element. */
export class CdaHeaderError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'CdaHeaderError';
  }
}

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID_NAT_PS_OID = '1.2.250.1.71.4.2.1';
const INS_ROOTS: ReadonlySet<string> = new Set(Object.values(INS_OID));
const GENDERS: Readonly<Record<string, string>> = { F: 'female', M: 'male', U: 'unknown' };

export function isClinicalDocument(root: XmlElement): boolean {
  return root.ns === HL7_V3 && root.local === 'ClinicalDocument';
}

/** Reads the header of a parsed ClinicalDocument; throws every problem found at once. */
export function readCdaHeader(document: XmlElement): CdaHeader {
  const problems: string[] = [];
  const required = <T>(value: T | undefined, problem: string): T => {
    if (value === undefined) problems.push(problem);
    return value as T;
  };
  const patientRole = at(document, 'recordTarget', 'patientRole');
  // Absent or invalid, the INS is reported in problems, and the header is then never returned.
  const patientId = patientIdOf(patientRole, problems) as PatientId;
  const service = serviceTimes(document, problems);
  const authors = children(document, 'author').flatMap((author) => authorOf(author) ?? []);
  const header: CdaHeader = {
    uniqueId: required(uniqueIdOf(document, problems), 'id: the document id (id@root) is required'),
    templateIds: children(document, 'templateId').flatMap((t) => attribute(t, 'root') ?? []),
    typeCode: required(
      codedOf(child(document, 'code')),
      'code: the document type needs @code and @codeSystem (LOINC 2.16.840.1.113883.6.1)',
    ),
    title: textOf(child(document, 'title')),
    creationTime: requiredInstant(child(document, 'effectiveTime'), problems),
    confidentialityCode: required(
      codedOf(child(document, 'confidentialityCode')),
      'confidentialityCode: @code and @codeSystem are required',
    ),
    languageCode: attribute(child(document, 'languageCode'), 'code'),
    patientId,
    sourcePatientId: patientId && sourcePatientIdOf(patientRole, patientId),
    sourcePatientInfo: sourcePatientInfoOf(child(patientRole, 'patient')),
    authors,
    legalAuthenticator: personOf(at(document, 'legalAuthenticator', 'assignedEntity')),
    custodian: institutionOf(
      at(document, 'custodian', 'assignedCustodian', 'representedCustodianOrganization'),
    ),
    serviceStartTime: service.start,
    serviceStopTime: service.stop,
    eventCodes: eventCodesOf(document),
    healthcareFacilityTypeCode: codedOf(
      at(
        document,
        'componentOf',
        'encompassingEncounter',
        'location',
        'healthCareFacility',
        'code',
      ),
    ),
    practiceSettingCode: practiceSettingOf(document),
    encounterCode: codedOf(at(document, 'componentOf', 'encompassingEncounter', 'code')),
    replacedDocumentId: replacedDocumentIdOf(document, problems),
    unstructuredBodyMediaType: attribute(
      at(document, 'component', 'nonXMLBody', 'text'),
      'mediaType',
    ),
  };
  if (authors.length === 0) {
    problems.push('author: at least one author/assignedAuthor is required');
  }
  if (problems.length > 0) throw new CdaHeaderError(problems);
  return header;
}

function uniqueIdOf(element: XmlElement | undefined, problems: string[]): string | undefined {
  const id = child(element, 'id');
  const root = attribute(id, 'root');
  const extension = attribute(id, 'extension');
  if (!root) return undefined;
  if (UUID.test(root)) {
    if (extension) problems.push('id@extension: not allowed with a UUID root');
    return `urn:uuid:${root.toLowerCase()}`;
  }
  if (!OID.test(root)) {
    problems.push(`id@root: "${root}" is neither an OID nor a UUID`);
    return root;
  }
  return extension ? `${root}^${extension}` : root;
}

function replacedDocumentIdOf(document: XmlElement, problems: string[]): string | undefined {
  const replacement = children(document, 'relatedDocument').find(
    (related) => attribute(related, 'typeCode') === 'RPLC',
  );
  return replacement && uniqueIdOf(child(replacement, 'parentDocument'), problems);
}

function patientIdOf(patientRole: XmlElement | undefined, problems: string[]) {
  const ins = children(patientRole, 'id').find((id) => INS_ROOTS.has(attribute(id, 'root') ?? ''));
  if (!ins) {
    problems.push(
      'recordTarget/patientRole/id: no INS (an id whose root is 1.2.250.1.213.1.4.8, .9, .10 or .11)',
    );
    return undefined;
  }
  const root = attribute(ins, 'root')!;
  try {
    return PatientId.of(root, attribute(ins, 'extension') ?? '');
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    problems.push(`recordTarget/patientRole/id (INS, root ${root}): ${error.message}`);
    return undefined;
  }
}

function sourcePatientIdOf(patientRole: XmlElement | undefined, patientId: PatientId): string {
  const local = children(patientRole, 'id').find((id) => {
    const root = attribute(id, 'root');
    return root && !INS_ROOTS.has(root) && attribute(id, 'extension');
  });
  return local
    ? `${attribute(local, 'extension')}^^^&${attribute(local, 'root')}&ISO`
    : patientId.key;
}

function sourcePatientInfoOf(patient: XmlElement | undefined): SourcePatientInfo {
  const name = child(patient, 'name');
  const families = children(name, 'family');
  const birthFamily = families.find((family) => attribute(family, 'qualifier') === 'BR');
  const given = children(name, 'given')
    .filter((element) => attribute(element, 'qualifier') === undefined)
    .flatMap((element) => textOf(element) ?? []);
  const birthTime = attribute(child(patient, 'birthTime'), 'value');
  const gender = GENDERS[attribute(child(patient, 'administrativeGenderCode'), 'code') ?? ''];
  return withoutUndefined({
    family: textOf(birthFamily ?? families[0]),
    given: given.length > 0 ? given.join(' ') : undefined,
    birthDate: birthTime && hl7DateToFhirDate(birthTime),
    gender,
  });
}

function authorOf(author: XmlElement): Author | undefined {
  const assigned = child(author, 'assignedAuthor');
  if (!assigned) return undefined;
  const organization = institutionOf(child(assigned, 'representedOrganization'));
  return {
    person: child(assigned, 'assignedAuthoringDevice') ? deviceOf(assigned) : personOf(assigned),
    institutions: organization ? [organization] : [],
    roles: optional(codedOf(child(author, 'functionCode'))),
    specialties: optional(codedOf(child(assigned, 'code'))),
    telecom: children(assigned, 'telecom').flatMap((telecom) => attribute(telecom, 'value') ?? []),
  };
}

/** assignedAuthor / assignedEntity: the professional's national id and name. */
function personOf(entity: XmlElement | undefined): PersonName | undefined {
  const name = at(entity, 'assignedPerson', 'name');
  const id = identifierOf(entity, ID_NAT_PS_OID);
  if (!name && !id) return undefined;
  return withoutUndefined({
    ...id,
    family: textOf(child(name, 'family')),
    given: textOf(child(name, 'given')),
    prefix: textOf(child(name, 'prefix')),
  });
}

/** An authoring device (a lab automaton, a software) stands as the author person, by name. */
function deviceOf(assigned: XmlElement): PersonName | undefined {
  const device = child(assigned, 'assignedAuthoringDevice');
  const name =
    textOf(child(device, 'softwareName')) ?? textOf(child(device, 'manufacturerModelName'));
  return name ? withoutUndefined({ ...identifierOf(assigned), family: name }) : undefined;
}

function institutionOf(organization: XmlElement | undefined): Institution | undefined {
  const name = textOf(child(organization, 'name'));
  const id = identifierOf(organization);
  if (!name && !id) return undefined;
  return withoutUndefined({ name: name ?? id?.id ?? '', ...id });
}

/** The id with the preferred root if any, else the first with an extension. */
function identifierOf(
  element: XmlElement | undefined,
  preferredRoot?: string,
): { id: string; assigningAuthority?: string } | undefined {
  const ids = children(element, 'id').filter((id) => attribute(id, 'extension'));
  const chosen = ids.find((id) => attribute(id, 'root') === preferredRoot) ?? ids[0];
  if (!chosen) return undefined;
  return withoutUndefined({
    id: attribute(chosen, 'extension')!,
    assigningAuthority: attribute(chosen, 'root'),
  });
}

function serviceTimes(document: XmlElement, problems: string[]): { start?: Date; stop?: Date } {
  const starts: Date[] = [];
  const stops: Date[] = [];
  children(document, 'documentationOf').forEach((documentation, index) => {
    const time = at(documentation, 'serviceEvent', 'effectiveTime');
    const where = `documentationOf[${index + 1}]/serviceEvent/effectiveTime`;
    const point = instantOf(time, where, problems);
    const low = instantOf(child(time, 'low'), `${where}/low`, problems) ?? point;
    const high = instantOf(child(time, 'high'), `${where}/high`, problems) ?? point;
    if (low) starts.push(low);
    if (high) stops.push(high);
  });
  return { start: earliest(starts), stop: latest(stops) };
}

/** serviceEvent codes and translations (acts, modality, anatomic region): the eventCodeList. */
function eventCodesOf(document: XmlElement): Coded[] {
  const codes = children(document, 'documentationOf')
    .map((documentation) => at(documentation, 'serviceEvent', 'code'))
    .flatMap((code) => [code, ...children(code, 'translation')])
    .flatMap((element) => codedOf(element) ?? []);
  return [...new Map(codes.map((coded) => [codeKey(coded), coded])).values()];
}

/** CI-SIS: the performer's organisation, else the author's (standardIndustryClassCode). */
function practiceSettingOf(document: XmlElement): Coded | undefined {
  const performerOrganizations = children(document, 'documentationOf').flatMap((documentation) =>
    children(child(documentation, 'serviceEvent'), 'performer').map((performer) =>
      at(performer, 'assignedEntity', 'representedOrganization'),
    ),
  );
  const authorOrganizations = children(document, 'author').map((author) =>
    at(author, 'assignedAuthor', 'representedOrganization'),
  );
  return [...performerOrganizations, ...authorOrganizations]
    .map((organization) => codedOf(child(organization, 'standardIndustryClassCode')))
    .find((coded) => coded !== undefined);
}

function requiredInstant(effectiveTime: XmlElement | undefined, problems: string[]): Date {
  if (attribute(effectiveTime, 'value') === undefined) {
    problems.push('effectiveTime@value: the creation time is required');
  }
  return instantOf(effectiveTime, 'effectiveTime', problems) as Date;
}

function instantOf(
  element: XmlElement | undefined,
  where: string,
  problems: string[],
): Date | undefined {
  const value = attribute(element, 'value');
  if (value === undefined) return undefined;
  const instant = parseHl7Instant(value);
  if (!instant) {
    problems.push(`${where}@value: "${value}" is not an HL7 date-time (YYYYMMDDHHMMSS+ZZZZ)`);
  }
  return instant;
}

function codedOf(element: XmlElement | undefined): Coded | undefined {
  const code = attribute(element, 'code');
  const codeSystem = attribute(element, 'codeSystem');
  if (!code || !codeSystem) return undefined;
  const display = attribute(element, 'displayName');
  return display ? { code, codeSystem, display } : { code, codeSystem };
}

function child(element: XmlElement | undefined, local: string): XmlElement | undefined {
  return element?.children.find((c) => c.local === local && c.ns === HL7_V3);
}

function children(element: XmlElement | undefined, local: string): XmlElement[] {
  return element?.children.filter((c) => c.local === local && c.ns === HL7_V3) ?? [];
}

function at(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  return path.reduce<XmlElement | undefined>((current, local) => child(current, local), element);
}

function attribute(element: XmlElement | undefined, name: string): string | undefined {
  const value = element?.attributes[name]?.trim();
  return value ? value : undefined;
}

function textOf(element: XmlElement | undefined): string | undefined {
  const text = element?.text.replace(/\s+/g, ' ').trim();
  return text ? text : undefined;
}

function optional<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

function earliest(dates: readonly Date[]): Date | undefined {
  return dates.length ? new Date(Math.min(...dates.map((d) => d.getTime()))) : undefined;
}

function latest(dates: readonly Date[]): Date | undefined {
  return dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
