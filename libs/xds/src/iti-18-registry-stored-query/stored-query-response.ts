import type { StoredQueryResult } from '@passerelle/registry';
import {
  association,
  extrinsicObject,
  folderPackage,
  objectRef,
  submissionSetPackage,
} from '../ebrim/ebrim-writer';

/** The RegistryObjectList of an AdhocQueryResponse: full objects (LeafClass) or ObjectRefs. */
export function queryResponseObjects(
  returnType: 'LeafClass' | 'ObjectRef',
  result: StoredQueryResult,
): string[] {
  if (returnType === 'ObjectRef') {
    return [
      ...result.documents.map((entry) => entry.entryUuid),
      ...result.submissionSets.map((set) => set.entryUuid),
      ...result.folders.map((folder) => folder.entryUuid),
      ...result.associations.map((link) => link.entryUuid),
    ].map(objectRef);
  }
  return [
    ...result.submissionSets.map(submissionSetPackage),
    ...result.documents.map(extrinsicObject),
    ...result.folders.map(folderPackage),
    ...result.associations.map(association),
  ];
}
