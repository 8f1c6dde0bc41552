import type { PatientId } from '@passerelle/domain';
import { createHash, randomUUID } from 'node:crypto';

/** OIDs derived from a UUID (ITU-T X.667): no registration needed. */
export const UUID_OID_ROOT = '2.25';

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
const MAX_UNIQUE_ID_LENGTH = 64;

export function isOid(value: string): boolean {
  return OID.test(value);
}

/**
 * The uniqueId of a file that carries none: the same bytes for the same patient always give
 * the same OID, so pushing a file again is recognised as the same document (the gateway
 * answers 200 to an identical resubmission). The hash is shaped as a version-8 UUID, which
 * keeps the id valid under the default 2.25 root.
 */
export function stableDocumentUniqueId(
  root: string,
  patientId: PatientId,
  content: Buffer,
): string {
  const digest = createHash('sha256').update(patientId.key).update('\n').update(content).digest();
  return `${root}.${uuidV8Integer(digest)}`;
}

/** A fresh SubmissionSet uniqueId (each submission is a new set, even when re-sent). */
export function freshSubmissionSetUniqueId(): string {
  return `${UUID_OID_ROOT}.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

/** Whether a root leaves room for the 39 digits of a UUID under the XDS uniqueId limit. */
export function isUsableUniqueIdRoot(root: string): boolean {
  return isOid(root) && root.length + 1 + 39 <= MAX_UNIQUE_ID_LENGTH;
}

function uuidV8Integer(digest: Buffer): string {
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return BigInt(`0x${bytes.toString('hex')}`).toString();
}
