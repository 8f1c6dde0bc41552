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

/** Metadata update of one document: status, confidentiality codes (new version) — nothing else. */
@Injectable()
export class UpdateDocumentMetadata {
  constructor(@Inject(REGISTRY_STORE) private readonly store: RegistryStore) {}

  async execute(current: DocumentEntry, change: MetadataChange): Promise<DocumentEntry> {
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
    return this.store.updateDocument(
      current.patientKey,
      current.logicalId,
      current.version,
      change,
    );
  }
}
