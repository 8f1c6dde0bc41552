import {
  type DocumentEntry,
  type DocumentRelation,
  RELATIONSHIP_TYPES,
  type RelationshipType,
} from '@passerelle/domain';
import type { RegistryReader, Visibility } from '../ports';

/**
 * The entries with the documents they replace, transform, append or sign (MHD relatesTo): the
 * relationship associations from them, then their targets' logicalIds — both read with the
 * caller's visibility, so a relationship to a document the caller may not see is not shown.
 * Two reads for a whole page, none when it is empty: what a reader gives in one
 * (`documentsWithRelations`) where it can.
 */
export async function withRelations(
  reader: RegistryReader,
  patientKey: string,
  entries: readonly DocumentEntry[],
  visibility: Visibility,
): Promise<DocumentEntry[]> {
  if (entries.length === 0) return [];
  const associations = await reader.associations(
    patientKey,
    { sources: entries.map((entry) => entry.entryUuid), types: [...RELATIONSHIP_TYPES] },
    visibility,
    entries.length * RELATIONSHIP_TYPES.length * 4,
  );
  if (associations.length === 0) return [...entries];
  const targets = await reader.documents(
    patientKey,
    { ids: { uuids: [...new Set(associations.map((a) => a.targetUuid))] }, allVersions: true },
    visibility,
    { limit: associations.length, offset: 0 },
  );
  const logicalIdOf = new Map(targets.items.map((target) => [target.entryUuid, target.logicalId]));
  const relationsOf = new Map<string, DocumentRelation[]>();
  for (const association of associations) {
    const targetLogicalId = logicalIdOf.get(association.targetUuid);
    if (!targetLogicalId) continue;
    const relations = relationsOf.get(association.sourceUuid) ?? [];
    relations.push({ type: association.type as RelationshipType, targetLogicalId });
    relationsOf.set(association.sourceUuid, relations);
  }
  return entries.map((entry) => {
    const relatesTo = relationsOf.get(entry.entryUuid);
    return relatesTo ? { ...entry, relatesTo } : entry;
  });
}
