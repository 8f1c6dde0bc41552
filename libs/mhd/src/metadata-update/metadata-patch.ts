import type { Coding, DocumentReference } from 'fhir/r4';
import { AvailabilityStatus, Coded, DomainError, excerpt } from '@passerelle/domain';
import type { MetadataChange } from '@passerelle/registry';
import { Operation, applyPatch, deepClone } from 'fast-json-patch';
import { codedFromCoding } from '../resources/code-systems';
import { checkedShape } from '../resources/fhir-shape';
import {
  documentReference as documentReferenceShape,
  jsonPatch,
} from '../resources/resource-shapes';
import { MHD } from '../resources/mhd-constants';

/** The only DocumentReference elements a metadata update may change. */
const CHANGEABLE = new Set(['status', 'securityLabel', 'extension']);

/**
 * Applies a JSON Patch to the current DocumentReference and reads back the change as the
 * registry knows it; a change of anything else is refused (405).
 */
export function metadataChangeFrom(current: DocumentReference, patch: unknown): MetadataChange {
  const operations = checkedShape(jsonPatch, patch, 'JSONPatch') as Operation[];
  const patched = checkedShape(
    documentReferenceShape,
    applied(current, operations),
    'DocumentReference',
  ) as DocumentReference;
  refuseOtherChanges(current, patched);
  const status = statusOf(patched);
  const confidentialityCodes = sameJson(current.securityLabel, patched.securityLabel)
    ? undefined
    : codesOf(patched);
  return {
    ...(status !== undefined ? { status } : {}),
    ...(confidentialityCodes ? { confidentialityCodes } : {}),
  };
}

function applied(current: DocumentReference, patch: Operation[]): DocumentReference {
  try {
    return applyPatch(deepClone(current) as DocumentReference, patch, true, false).newDocument;
  } catch (error) {
    throw new DomainError(
      'MALFORMED_REQUEST',
      `Invalid JSON Patch: ${excerpt((error as Error).message.split('\n')[0])}`,
    );
  }
}

function refuseOtherChanges(current: DocumentReference, patched: DocumentReference): void {
  const keys = new Set([...Object.keys(current), ...Object.keys(patched)]);
  for (const key of keys) {
    if (CHANGEABLE.has(key)) continue;
    const before = (current as unknown as Record<string, unknown>)[key];
    const after = (patched as unknown as Record<string, unknown>)[key];
    if (!sameJson(before, after)) {
      throw new DomainError(
        'FORBIDDEN_CHANGE',
        `DocumentReference.${key} cannot be changed: only status, securityLabel and the archive flag`,
      );
    }
  }
  const otherExtensions = (r: DocumentReference) =>
    (r.extension ?? []).filter((e) => e.url !== MHD.archivedExtension);
  if (!sameJson(otherExtensions(current), otherExtensions(patched))) {
    throw new DomainError('FORBIDDEN_CHANGE', 'Only the archive flag extension may change');
  }
}

function statusOf(patched: DocumentReference): AvailabilityStatus | undefined {
  const archived = patched.extension?.some(
    (e) => e.url === MHD.archivedExtension && e.valueBoolean === true,
  );
  switch (patched.status) {
    case 'current':
      return archived ? 'Archived' : 'Approved';
    case 'superseded':
      return 'Deprecated';
    case 'entered-in-error':
      return 'Deleted';
    default:
      throw new DomainError(
        'METADATA_INVALID',
        `Unknown DocumentReference.status ${excerpt(patched.status)}`,
      );
  }
}

function codesOf(patched: DocumentReference): Coded[] {
  const codings: Coding[] = (patched.securityLabel ?? []).flatMap((c) => c.coding ?? []);
  return codings.map((coding) => {
    const coded = codedFromCoding(coding);
    if (!coded)
      throw new DomainError('METADATA_INVALID', 'Each securityLabel needs system and code');
    return coded;
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
