import type { Bundle, BundleEntry } from 'fhir/r4';
import { ProvideDocumentBundle } from '@passerelle/document-repository';
import { stripUrnUuid } from '@passerelle/domain';
import type { RegisteredSubmission } from '@passerelle/registry';
import { fhirTransaction, ok } from '../door/fhir-transaction';
import { warningOutcome } from '../resources/operation-outcome';
import { ProvidedEntry, provideRequestFrom } from './provide-bundle';

/** ITI-65 Provide Document Bundle: a transaction Bundle POSTed to the FHIR base. */
export const PROVIDE_DOCUMENT_BUNDLE = fhirTransaction({
  name: 'ITI-65',
  method: 'POST',
  path: '',
  capability: { system: 'transaction' },
  useCase: ProvideDocumentBundle,
  read: (request) => provideRequestFrom(request.body),
  command: (provided) => provided.draft,
  write: (result, provided, request) =>
    ok({
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: provided.entries.map((entry) =>
        withWarnings(responseEntry(entry, result, request.baseUrl), entry, result),
      ),
    } satisfies Bundle),
});

/**
 * An entry's answer with the warnings its resource was accepted with (`response.outcome`); those
 * naming no resource go with the SubmissionSet's.
 */
function withWarnings(
  answer: BundleEntry,
  entry: ProvidedEntry,
  result: RegisteredSubmission,
): BundleEntry {
  const warnings = (result.warnings ?? []).filter((warning) =>
    'ref' in entry && entry.kind !== 'binary'
      ? warning.location === entry.ref ||
        (entry.kind === 'submissionset' && warning.location === undefined)
      : false,
  );
  if (warnings.length === 0) return answer;
  return { ...answer, response: { ...answer.response!, outcome: warningOutcome(warnings) } };
}

function responseEntry(
  entry: ProvidedEntry,
  result: RegisteredSubmission,
  baseUrl: string,
): BundleEntry {
  const created = (location: string) => ({ response: { status: '201 Created', location } });
  switch (entry.kind) {
    case 'submissionset':
      return created(`List/${stripUrnUuid(result.submissionSet.entryUuid)}`);
    case 'folder': {
      const folder = result.folders.find((f) => f.ref === entry.ref)!.folder;
      return created(`List/${stripUrnUuid(folder.entryUuid)}`);
    }
    case 'document': {
      const document = result.documents.find((d) => d.ref === entry.ref)!;
      const location = `DocumentReference/${stripUrnUuid(document.entry.logicalId)}`;
      return document.alreadyRegistered
        ? { response: { status: '200 OK', location } }
        : created(location);
    }
    case 'binary': {
      const document = result.documents.find((d) => d.ref === entry.documentRef)!;
      return created(`Binary/${document.entry.contentId}`);
    }
    case 'folder-update':
      return { response: { status: '200 OK', location: `List/${entry.folderId}` } };
    case 'supersede':
      return {
        response: {
          status: '200 OK',
          location: `DocumentReference/${stripUrnUuid(entry.logicalId)}`,
        },
      };
  }
  return { response: { status: '200 OK', location: baseUrl } };
}
