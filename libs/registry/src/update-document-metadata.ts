import { Inject, Injectable } from '@nestjs/common';
import { AvailabilityStatus, DocumentEntry, DomainError } from '@passerelle/domain';
import { MetadataChange, REGISTRY_STORE, RegistryStore } from './ports';

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
 * Metadata update (MHD PATCH, ITI-57 Update Document Set): status changes, confidentiality codes
 * and other metadata (new version). Several documents change together or not at all.
 */
@Injectable()
export class UpdateDocumentMetadata {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  async execute(current: DocumentEntry, change: MetadataChange): Promise<DocumentEntry> {
    const [updated] = await this.executeAll(current.patientKey, [{ current, change }]);
    return updated;
  }

  executeAll(patientKey: string, changes: readonly PlannedChange[]): Promise<DocumentEntry[]> {
    for (const { current, change } of changes) checkChange(current, change);
    return this.store.updateDocuments(
      patientKey,
      changes.map(({ current, change }) => ({
        logicalId: current.logicalId,
        expectedVersion: current.version,
        change,
      })),
    );
  }
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
