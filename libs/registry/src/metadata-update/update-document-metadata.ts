import { Inject, Injectable } from '@nestjs/common';
import type { DocumentChange } from '@passerelle/access-control';
import type { AuditContext } from '@passerelle/audit';
import {
  AvailabilityStatus,
  Coded,
  DocumentEntry,
  DomainError,
  RESTRICTION_CODE_SYSTEM,
} from '@passerelle/domain';
import { MetadataChange, REGISTRY_WRITER, RegistryWriter } from '../ports';
import { invisibleToPatient, recordNewDocuments } from '../submission/submission-audit';

/** Status transitions a metadata update may make (the DMP archive / logical delete included). */
const ALLOWED_TRANSITIONS: Record<AvailabilityStatus, readonly AvailabilityStatus[]> = {
  Approved: ['Archived', 'Deleted', 'Deprecated'],
  Archived: ['Approved', 'Deleted'],
  Deprecated: ['Deleted'],
  Deleted: [],
};

/** A change to make to the latest version of a document, as read by the caller. */
export interface PlannedChange {
  readonly current: DocumentEntry;
  readonly change: MetadataChange;
}

/**
 * Applies metadata updates (MHD PATCH, ITI-57) once the use case has decided them: status
 * changes, confidentiality codes and other metadata (a new version), several documents together
 * or not at all. A document released to the patient (INVISIBLE_PATIENT lifted) is announced.
 */
@Injectable()
export class UpdateDocumentMetadata {
  constructor(@Inject(REGISTRY_WRITER) private readonly writer: RegistryWriter) {}

  async apply(
    audit: AuditContext,
    patientKey: string,
    changes: readonly PlannedChange[],
  ): Promise<DocumentEntry[]> {
    for (const { current, change } of changes) checkChange(current, change);
    audit.documents = changes.map(({ current }) => current.uniqueId);
    const updated = await this.writer.updateDocuments(
      patientKey,
      changes.map(({ current, change }) => ({
        logicalId: current.logicalId,
        expectedVersion: current.version,
        change,
      })),
    );
    recordNewDocuments(
      audit,
      changes.filter(
        ({ current }, index) => invisibleToPatient(current) && !invisibleToPatient(updated[index]),
      ).length,
    );
    return updated;
  }
}

/** What a change does, in the terms of who may make it (DESIGN §4). */
export function documentChangeOf(current: DocumentEntry, change: MetadataChange): DocumentChange {
  const before = restrictionsOf(current.confidentialityCodes);
  const after = change.confidentialityCodes ? restrictionsOf(change.confidentialityCodes) : before;
  return {
    status:
      change.status !== undefined && change.status !== current.status ? change.status : undefined,
    restrictions: [
      ...before.filter((code) => !after.includes(code)),
      ...after.filter((code) => !before.includes(code)),
    ],
    otherMetadata: change.metadata !== undefined && Object.keys(change.metadata).length > 0,
  };
}

function restrictionsOf(codes: readonly Coded[]): string[] {
  return codes.filter((c) => c.codeSystem === RESTRICTION_CODE_SYSTEM).map((c) => c.code);
}

function checkChange(current: DocumentEntry, change: MetadataChange): void {
  if (change.status && change.status !== current.status) {
    if (!ALLOWED_TRANSITIONS[current.status].includes(change.status)) {
      throw new DomainError(
        'METADATA_INVALID',
        `A ${current.status} document cannot become ${change.status}`,
      );
    }
  }
  const codes = change.confidentialityCodes;
  if (codes && (codes.length === 0 || codes.length > 4)) {
    throw new DomainError('METADATA_INVALID', 'confidentialityCode holds 1 to 4 codes');
  }
}
