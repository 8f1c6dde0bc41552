import type { Association, VisibilityFilter } from '@passerelle/domain';
import type { RegistryReader } from '../ports';

/** A list member: a document by its logical id, or a folder by its entryUUID. */
export interface ListMember {
  readonly kind: 'document' | 'folder';
  readonly id: string;
}

const MEMBERS_LIMIT = 100_000;

/**
 * The members of the given lists (SubmissionSets, Folders) the caller may see: documents by
 * logical id — whichever metadata version the list holds —, folders by entryUUID.
 */
export async function listMembers(
  reader: RegistryReader,
  patientKey: string,
  visibility: VisibilityFilter,
  listUuids: readonly string[],
): Promise<(listUuid: string) => ListMember[]> {
  const memberships: Association[] = listUuids.length
    ? await reader.associations(
        patientKey,
        { sources: listUuids, types: ['HasMember'] },
        visibility,
        MEMBERS_LIMIT,
      )
    : [];
  const targets = memberships.map((a) => a.targetUuid);
  const documents = targets.length
    ? await reader.documents(
        patientKey,
        { ids: { uuids: targets }, allVersions: true },
        visibility,
        { limit: targets.length, offset: 0 },
      )
    : { items: [] };
  const logicalIds = new Map(documents.items.map((d) => [d.entryUuid, d.logicalId]));
  return (listUuid) =>
    memberships
      .filter((a) => a.sourceUuid === listUuid)
      .map((a): ListMember => {
        const logicalId = logicalIds.get(a.targetUuid);
        return logicalId
          ? { kind: 'document', id: logicalId }
          : { kind: 'folder', id: a.targetUuid };
      });
}
