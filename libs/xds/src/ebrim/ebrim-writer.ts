import { randomUUID } from 'node:crypto';
import {
  ASSOCIATION_TYPE_URN,
  Association,
  Author,
  Coded,
  DocumentEntry,
  Folder,
  SubmissionSet,
  XDS_STATUS_URN,
  hl7BirthDateOf,
  hl7SexOf,
} from '@passerelle/domain';
import { element, escapeAttribute, escapeText } from '../xml/xml-writer';
import { formatDtm, formatXcn, formatXon, formatXtn } from './hl7v2';
import {
  CLASSIFICATION_NODE,
  CLASSIFICATION_SCHEME,
  IDENTIFICATION_SCHEME,
  OBJECT_TYPE,
} from './vocabulary';

/** ebRIM 3.0 LeafClass objects of an AdhocQueryResponse (prefix `rim`, declared by the caller). */

/**
 * Extra metadata (ITI TF-3 §4.1.14) of an entry whose submission set signature was verified:
 * the signer's name and certificate subject.
 */
export const SIGNED_BY_SLOT = {
  name: 'urn:passerelle:dsg:signerName',
  subject: 'urn:passerelle:dsg:signerSubject',
} as const;

export function objectRef(id: string): string {
  return element('rim:ObjectRef', { id });
}

export function extrinsicObject(entry: DocumentEntry): string {
  const id = entry.entryUuid;
  return element(
    'rim:ExtrinsicObject',
    {
      id,
      lid: entry.logicalId,
      objectType: OBJECT_TYPE.stableDocumentEntry,
      mimeType: entry.mimeType,
      status: XDS_STATUS_URN[entry.status],
    },
    [
      slot('creationTime', formatDtm(entry.creationTime)),
      slot('hash', entry.hashSha1),
      slot('languageCode', entry.languageCode),
      ...(entry.legalAuthenticator
        ? [slot('legalAuthenticator', formatXcn(entry.legalAuthenticator))]
        : []),
      ...(entry.repositoryUniqueId ? [slot('repositoryUniqueId', entry.repositoryUniqueId)] : []),
      ...optionalTime('serviceStartTime', entry.serviceStartTime),
      ...optionalTime('serviceStopTime', entry.serviceStopTime),
      slot('size', String(entry.size)),
      slot('sourcePatientId', entry.sourcePatientId),
      ...sourcePatientInfo(entry),
      ...(entry.referenceIds.length > 0
        ? [slot('urn:ihe:iti:xds:2013:referenceIdList', ...entry.referenceIds)]
        : []),
      ...(entry.signedBy
        ? [
            slot(SIGNED_BY_SLOT.name, entry.signedBy.name),
            slot(SIGNED_BY_SLOT.subject, entry.signedBy.subject),
          ]
        : []),
      nameAndDescription(entry.title, entry.comments),
      versionInfo(entry.version),
      ...entry.authors.map((author) =>
        authorClassification(author, id, CLASSIFICATION_SCHEME.documentAuthor),
      ),
      coded(CLASSIFICATION_SCHEME.classCode, id, entry.classCode),
      ...entry.confidentialityCodes.map((code) =>
        coded(CLASSIFICATION_SCHEME.confidentialityCode, id, code),
      ),
      ...entry.eventCodes.map((code) => coded(CLASSIFICATION_SCHEME.eventCodeList, id, code)),
      coded(CLASSIFICATION_SCHEME.formatCode, id, entry.formatCode),
      coded(CLASSIFICATION_SCHEME.healthcareFacilityTypeCode, id, entry.healthcareFacilityTypeCode),
      coded(CLASSIFICATION_SCHEME.practiceSettingCode, id, entry.practiceSettingCode),
      coded(CLASSIFICATION_SCHEME.typeCode, id, entry.typeCode),
      externalIdentifier(
        IDENTIFICATION_SCHEME.documentPatientId,
        id,
        entry.patientKey,
        'XDSDocumentEntry.patientId',
      ),
      externalIdentifier(
        IDENTIFICATION_SCHEME.documentUniqueId,
        id,
        entry.uniqueId,
        'XDSDocumentEntry.uniqueId',
      ),
    ],
  );
}

export function submissionSetPackage(set: SubmissionSet): string {
  const id = set.entryUuid;
  return element(
    'rim:RegistryPackage',
    { id, lid: id, objectType: OBJECT_TYPE.registryPackage, status: XDS_STATUS_URN[set.status] },
    [
      slot('submissionTime', formatDtm(set.submissionTime)),
      ...(set.intendedRecipients.length > 0
        ? [slot('intendedRecipient', ...set.intendedRecipients)]
        : []),
      nameAndDescription(set.title, set.comments),
      versionInfo(1),
      ...set.authors.map((author) =>
        authorClassification(author, id, CLASSIFICATION_SCHEME.submissionSetAuthor),
      ),
      coded(CLASSIFICATION_SCHEME.contentTypeCode, id, set.contentTypeCode),
      nodeClassification(id, CLASSIFICATION_NODE.submissionSet),
      externalIdentifier(
        IDENTIFICATION_SCHEME.submissionSetPatientId,
        id,
        set.patientKey,
        'XDSSubmissionSet.patientId',
      ),
      externalIdentifier(
        IDENTIFICATION_SCHEME.submissionSetSourceId,
        id,
        set.sourceId,
        'XDSSubmissionSet.sourceId',
      ),
      externalIdentifier(
        IDENTIFICATION_SCHEME.submissionSetUniqueId,
        id,
        set.uniqueId,
        'XDSSubmissionSet.uniqueId',
      ),
    ],
  );
}

export function folderPackage(folder: Folder): string {
  const id = folder.entryUuid;
  return element(
    'rim:RegistryPackage',
    {
      id,
      lid: folder.logicalId,
      objectType: OBJECT_TYPE.registryPackage,
      status: XDS_STATUS_URN[folder.status],
    },
    [
      slot('lastUpdateTime', formatDtm(folder.lastUpdateTime)),
      nameAndDescription(folder.title, folder.comments),
      versionInfo(folder.version),
      ...folder.codeList.map((code) => coded(CLASSIFICATION_SCHEME.folderCodeList, id, code)),
      nodeClassification(id, CLASSIFICATION_NODE.folder),
      externalIdentifier(
        IDENTIFICATION_SCHEME.folderPatientId,
        id,
        folder.patientKey,
        'XDSFolder.patientId',
      ),
      externalIdentifier(
        IDENTIFICATION_SCHEME.folderUniqueId,
        id,
        folder.uniqueId,
        'XDSFolder.uniqueId',
      ),
    ],
  );
}

export function association(link: Association): string {
  return element(
    'rim:Association',
    {
      id: link.entryUuid,
      associationType: ASSOCIATION_TYPE_URN[link.type],
      sourceObject: link.sourceUuid,
      targetObject: link.targetUuid,
      objectType: OBJECT_TYPE.association,
      status: XDS_STATUS_URN[link.status],
    },
    link.submissionSetStatus ? slot('SubmissionSetStatus', link.submissionSetStatus) : '',
  );
}

/**
 * The helpers below write what `element` would, as one string each: they run for every object
 * of a query answer (a thousand entries is tens of thousands of elements).
 */
function slot(name: string, ...values: string[]): string {
  let list = '';
  for (const value of values) {
    list += value === '' ? '<rim:Value/>' : `<rim:Value>${escapeText(value)}</rim:Value>`;
  }
  const valueList = list === '' ? '<rim:ValueList/>' : `<rim:ValueList>${list}</rim:ValueList>`;
  return `<rim:Slot name="${escapeAttribute(name)}">${valueList}</rim:Slot>`;
}

function optionalTime(name: string, time: Date | undefined): string[] {
  return time ? [slot(name, formatDtm(time))] : [];
}

function localized(wrapper: string, text: string | undefined): string {
  return text === undefined
    ? ''
    : `<${wrapper}><rim:LocalizedString value="${escapeAttribute(text)}"/></${wrapper}>`;
}

function nameAndDescription(title: string | undefined, comments: string | undefined): string {
  return localized('rim:Name', title) + localized('rim:Description', comments);
}

function versionInfo(version: number): string {
  return element('rim:VersionInfo', { versionName: String(version) });
}

function sourcePatientInfo(entry: DocumentEntry): string[] {
  const info = entry.sourcePatientInfo;
  if (!info) return [];
  const birthDate = hl7BirthDateOf(info.birthDate);
  const sex = hl7SexOf(info.gender);
  const values = [
    ...(info.family || info.given ? [`PID-5|${info.family ?? ''}^${info.given ?? ''}`] : []),
    ...(birthDate ? [`PID-7|${birthDate}`] : []),
    ...(sex ? [`PID-8|${sex}`] : []),
  ];
  return values.length > 0 ? [slot('sourcePatientInfo', ...values)] : [];
}

const CLASSIFICATION_TYPE = escapeAttribute(OBJECT_TYPE.classification);
const EXTERNAL_IDENTIFIER_TYPE = escapeAttribute(OBJECT_TYPE.externalIdentifier);

function coded(scheme: string, objectId: string, code: Coded): string {
  return (
    `<rim:Classification id="urn:uuid:${randomUUID()}" classificationScheme="${escapeAttribute(scheme)}" ` +
    `classifiedObject="${escapeAttribute(objectId)}" nodeRepresentation="${escapeAttribute(code.code)}" ` +
    `objectType="${CLASSIFICATION_TYPE}">${slot('codingScheme', code.codeSystem)}` +
    `${localized('rim:Name', code.display)}</rim:Classification>`
  );
}

function nodeClassification(objectId: string, node: string): string {
  return element('rim:Classification', {
    id: `urn:uuid:${randomUUID()}`,
    classificationNode: node,
    classifiedObject: objectId,
    objectType: OBJECT_TYPE.classification,
  });
}

function authorClassification(author: Author, objectId: string, scheme: string): string {
  const cwe = (code: Coded) => [code.code, code.display ?? '', code.codeSystem].join('^');
  return element(
    'rim:Classification',
    {
      id: `urn:uuid:${randomUUID()}`,
      classificationScheme: scheme,
      classifiedObject: objectId,
      nodeRepresentation: '',
      objectType: OBJECT_TYPE.classification,
    },
    [
      ...(author.person ? [slot('authorPerson', formatXcn(author.person))] : []),
      ...(author.institutions.length > 0
        ? [slot('authorInstitution', ...author.institutions.map(formatXon))]
        : []),
      ...(author.roles.length > 0 ? [slot('authorRole', ...author.roles.map(cwe))] : []),
      ...(author.specialties.length > 0
        ? [slot('authorSpecialty', ...author.specialties.map(cwe))]
        : []),
      ...(author.telecom.length > 0
        ? [slot('authorTelecommunication', ...author.telecom.map(formatXtn))]
        : []),
    ],
  );
}

function externalIdentifier(scheme: string, objectId: string, value: string, name: string): string {
  return (
    `<rim:ExternalIdentifier id="urn:uuid:${randomUUID()}" registryObject="${escapeAttribute(objectId)}" ` +
    `identificationScheme="${escapeAttribute(scheme)}" value="${escapeAttribute(value)}" ` +
    `objectType="${EXTERNAL_IDENTIFIER_TYPE}">${localized('rim:Name', name)}</rim:ExternalIdentifier>`
  );
}
