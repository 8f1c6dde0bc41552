import type { CodeableConcept, Extension, Identifier, List, ListEntry } from 'fhir/r4';
import { Folder, PatientId, ProblemList, SubmissionSet, stripUrnUuid } from '@passerelle/domain';
import type { FolderDraft, ListMember, SubmissionSetDraft } from '@passerelle/registry';
import { codedFromCoding, codingFromCoded, uniqueIdFromUri, uniqueIdToUri } from './code-systems';
import { authorsFrom } from './contained';
import { fhirInstant } from './fhir-datetime';
import { MHD } from './mhd-constants';
import { patientIdFromReference, patientResourceId } from './patient-reference';

export type ListKind = 'submissionset' | 'folder';

export function listKind(list: List): ListKind | undefined {
  const code = list.code?.coding?.find((c) => c.system === MHD.listTypes)?.code;
  return code === 'submissionset' || code === 'folder' ? code : undefined;
}

function extension(list: List, url: string): Extension | undefined {
  return list.extension?.find((e) => e.url === url);
}

/** The uniqueId (as a URI) is the `usual` identifier (the `official` one is the entryUUID). */
function uniqueIdUriOf(identifiers: readonly Identifier[] | undefined): string | undefined {
  const usual =
    identifiers?.find((i) => i.use === 'usual') ??
    identifiers?.find((i) => i.value && !i.value.startsWith('urn:uuid:'));
  return usual?.value;
}

/** What cannot be read goes to `problems`, so that the rest of the bundle is still checked. */
export function submissionSetDraftFrom(
  list: List,
  ref: string,
  problems: ProblemList,
): SubmissionSetDraft {
  const read = <T>(field: keyof SubmissionSetDraft, value: () => T) =>
    problems.attempt(value, ref, field);
  const sourceId = extension(list, MHD.sourceId)?.valueIdentifier?.value;
  const uniqueId = uniqueIdUriOf(list.identifier);
  return {
    ref,
    uniqueId: uniqueId && read('uniqueId', () => uniqueIdFromUri(uniqueId)),
    patientId: read('patientId', () => patientIdFromReference(list.subject, ref)),
    sourceId: sourceId ? read('sourceId', () => uniqueIdFromUri(sourceId)) : undefined,
    submissionTime: read('submissionTime', () => fhirInstant(list.date, 'List.date', ref)),
    contentTypeCode: codedFromCoding(
      extension(list, MHD.designationType)?.valueCodeableConcept?.coding?.[0],
    ),
    title: list.title,
    comments: list.note?.[0]?.text,
    authors:
      read('authors', () =>
        authorsFrom(list, [
          ...(list.source ? [list.source] : []),
          ...(list.extension ?? []).flatMap((e) =>
            (e.url === MHD.authorOrg || e.url === MHD.authorOrgHttp) && e.valueReference
              ? [e.valueReference]
              : [],
          ),
        ]),
      ) ?? [],
    intendedRecipients: (list.extension ?? [])
      .filter((e) => e.url === MHD.intendedRecipient)
      .flatMap((e) => (e.valueReference?.reference ? [e.valueReference.reference] : [])),
  };
}

export function folderDraftFrom(list: List, ref: string, problems: ProblemList): FolderDraft {
  const uniqueId = uniqueIdUriOf(list.identifier);
  return {
    ref,
    uniqueId: uniqueId && problems.attempt(() => uniqueIdFromUri(uniqueId), ref, 'uniqueId'),
    patientId: problems.attempt(() => patientIdFromReference(list.subject, ref), ref, 'patientId'),
    title: list.title,
    comments: list.note?.[0]?.text,
    codeList: (list.extension ?? [])
      .filter((e) => e.url === MHD.designationType)
      .flatMap((e) => e.valueCodeableConcept?.coding ?? [])
      .flatMap((c) => codedFromCoding(c) ?? []),
  };
}

function subjectOf(patientKey: string) {
  const patientId = PatientId.fromCx(patientKey);
  return {
    reference: `Patient/${patientResourceId(patientId)}`,
    identifier: { system: patientId.fhirSystem, value: patientId.value },
  };
}

function listType(kind: ListKind): CodeableConcept {
  return { coding: [{ system: MHD.listTypes, code: kind }] };
}

function entriesOf(members: readonly ListMember[]): ListEntry[] {
  return members.map(({ kind, id }) => ({
    item: {
      reference: `${kind === 'document' ? 'DocumentReference' : 'List'}/${stripUrnUuid(id)}`,
    },
  }));
}

export function listFromSubmissionSet(set: SubmissionSet, members: readonly ListMember[]): List {
  return {
    resourceType: 'List',
    id: stripUrnUuid(set.entryUuid),
    meta: { profile: [MHD.comprehensiveSubmissionSet] },
    extension: [
      { url: MHD.sourceId, valueIdentifier: { value: uniqueIdToUri(set.sourceId) } },
      {
        url: MHD.designationType,
        valueCodeableConcept: { coding: [codingFromCoded(set.contentTypeCode)] },
      },
    ],
    identifier: [
      { use: 'usual', system: MHD.rfc3986, value: uniqueIdToUri(set.uniqueId) },
      { use: 'official', system: MHD.rfc3986, value: set.entryUuid },
    ],
    status: 'current',
    mode: 'working',
    ...(set.title ? { title: set.title } : {}),
    code: listType('submissionset'),
    subject: subjectOf(set.patientKey),
    date: set.submissionTime.toISOString(),
    ...(set.comments ? { note: [{ text: set.comments }] } : {}),
    entry: entriesOf(members),
  };
}

export function listFromFolder(folder: Folder, members: readonly ListMember[]): List {
  return {
    resourceType: 'List',
    id: stripUrnUuid(folder.entryUuid),
    meta: { profile: [MHD.folder] },
    extension: folder.codeList.map((code) => ({
      url: MHD.designationType,
      valueCodeableConcept: { coding: [codingFromCoded(code)] },
    })),
    identifier: [
      { use: 'usual', system: MHD.rfc3986, value: uniqueIdToUri(folder.uniqueId) },
      { use: 'official', system: MHD.rfc3986, value: folder.entryUuid },
    ],
    status: 'current',
    mode: 'working',
    ...(folder.title ? { title: folder.title } : {}),
    code: listType('folder'),
    subject: subjectOf(folder.patientKey),
    date: folder.lastUpdateTime.toISOString(),
    ...(folder.comments ? { note: [{ text: folder.comments }] } : {}),
    entry: entriesOf(members),
  };
}
