import type { Author, Coded } from '@passerelle/domain';
import { formatJson } from '../cli-io';
import type { DocumentMetadata } from './document-metadata';
import type { PreparedDocument, PushSettings } from './prepare-document';
import type { PushResult } from './transport';

export interface PushFailure {
  readonly file: string;
  readonly error: string;
}

/** The metadata as sent: the patient as INS + authority, times as ISO 8601. */
export function metadataJson(metadata: DocumentMetadata) {
  const { patientId, ...rest } = metadata;
  return { patient: { ins: patientId.value, oid: patientId.oid }, ...rest };
}

export function formatDryRun(
  prepared: readonly PreparedDocument[],
  settings: PushSettings,
  json: boolean,
): string {
  const submissionSet = (document: PreparedDocument) => ({
    sourceId: settings.sourceId,
    contentTypeCode: document.contentTypeCode,
    author: settings.submitter ?? document.metadata.authors[0],
  });
  if (json) {
    return formatJson(
      prepared.map((document) => ({
        file: document.file,
        kind: document.kind,
        size: document.content.length,
        document: metadataJson(document.metadata),
        submissionSet: submissionSet(document),
      })),
    );
  }
  return prepared
    .map((document) => describeDocument(document, submissionSet(document).author))
    .join('\n');
}

function describeDocument(prepared: PreparedDocument, submitter: Author): string {
  const m = prepared.metadata;
  const rows: [string, string | undefined][] = [
    ['uniqueId', m.uniqueId],
    ['patient', `${m.patientId.value} (${m.patientId.oid})`],
    ['title', m.title],
    ['typeCode', coded(m.typeCode)],
    ['classCode', coded(m.classCode)],
    ['formatCode', coded(m.formatCode)],
    ['confidentiality', m.confidentialityCodes.map((c) => c.code).join(', ')],
    ['facilityType', coded(m.healthcareFacilityTypeCode)],
    ['practiceSetting', coded(m.practiceSettingCode)],
    ['creationTime', m.creationTime.toISOString()],
    ['serviceStart', m.serviceStartTime.toISOString()],
    ['serviceStop', m.serviceStopTime?.toISOString()],
    ['language', m.languageCode],
    ['mimeType', m.mimeType],
    ...m.authors.map((author, index): [string, string] => [
      `author ${index + 1}`,
      authorText(author),
    ]),
    ['legalAuth', m.legalAuthenticator && personText(m.legalAuthenticator)],
    ['custodian', m.custodian?.name],
    ['sourcePatient', m.sourcePatientId],
    ['events', m.eventCodes.map((c) => c.code).join(', ') || undefined],
    ['contentType', coded(prepared.contentTypeCode)],
    ['submitter', authorText(submitter)],
  ];
  const lines = rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `  ${label.padEnd(16)}${value}\n`);
  return `${prepared.file} (${prepared.kind}, ${prepared.content.length} bytes) would be sent with:\n${lines.join('')}`;
}

export function formatPushed(
  results: readonly PushResult[],
  failures: readonly PushFailure[],
  json: boolean,
): string {
  if (json) return formatJson({ pushed: results, failed: failures });
  return results
    .map(
      (result) =>
        `${result.file}: ${result.alreadyRegistered ? 'already registered as' : 'pushed as'} ` +
        `DocumentReference/${result.documentId} (uniqueId ${result.uniqueId})\n`,
    )
    .join('');
}

function coded(value: Coded): string {
  return `${value.code}${value.display ? ` ${value.display}` : ''} (${value.codeSystem})`;
}

function authorText(author: Author): string {
  const parts = [
    author.person && personText(author.person),
    ...author.institutions.map((i) => `${i.name}${i.id ? ` [${i.id}]` : ''}`),
  ];
  return parts.filter(Boolean).join(', ');
}

function personText(person: {
  id?: string;
  family?: string;
  given?: string;
  prefix?: string;
}): string {
  const name = [person.prefix, person.given, person.family].filter(Boolean).join(' ');
  return person.id ? `${name} [${person.id}]` : name;
}
