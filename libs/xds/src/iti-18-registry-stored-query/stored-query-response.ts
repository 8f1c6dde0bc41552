import type { StoredQueryResult } from '@passerelle/registry';
import {
  association,
  extrinsicObject,
  folderPackage,
  objectRef,
  submissionSetPackage,
} from '../ebrim/ebrim-writer';

/** About this many characters of XML per chunk written to the socket. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The RegistryObjectList of an AdhocQueryResponse — full objects (LeafClass) or ObjectRefs — in
 * chunks of about CHUNK_CHARS, each object written only when the chunk before it is taken.
 */
export function* queryResponseObjects(result: StoredQueryResult): Generator<string> {
  let chunk = '';
  for (const object of objectsOf(result)) {
    chunk += object;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

function* objectsOf(result: StoredQueryResult): Generator<string> {
  if (result.returnType === 'ObjectRef') {
    for (const objects of [
      result.documents,
      result.submissionSets,
      result.folders,
      result.associations,
    ]) {
      for (const object of objects) yield objectRef(object.entryUuid);
    }
    return;
  }
  for (const set of result.submissionSets) yield submissionSetPackage(set);
  for (const entry of result.documents) yield extrinsicObject(entry);
  for (const folder of result.folders) yield folderPackage(folder);
  for (const link of result.associations) yield association(link);
}
