import type { AuditContext } from '@passerelle/audit';
import { DocumentEntry, RESTRICTION_CODE_SYSTEM } from '@passerelle/domain';
import type { RegisteredSubmission } from './submission-registrar';

/**
 * The audit facts of a stored submission: its documents, and the new-document notice the
 * patient is owed — a count only, never a title, type or author (DESIGN §5), and nothing about
 * documents invisible to the patient until they are released.
 */
export function recordSubmission(audit: AuditContext, result: RegisteredSubmission): void {
  audit.documents = result.documents.map((d) => d.entry.uniqueId);
  audit.withdraw('new-document');
  const added = result.documents.filter((d) => !d.alreadyRegistered).map((d) => d.entry);
  recordNewDocuments(audit, added.filter((entry) => !invisibleToPatient(entry)).length);
}

export function recordNewDocuments(audit: AuditContext, count: number): void {
  if (count > 0) audit.notify('new-document', { count });
}

/** Whether the document is withheld from the patient (INVISIBLE_PATIENT) until released. */
export function invisibleToPatient(entry: DocumentEntry): boolean {
  return entry.confidentialityCodes.some(
    (c) => c.code === 'INVISIBLE_PATIENT' && c.codeSystem === RESTRICTION_CODE_SYSTEM,
  );
}
