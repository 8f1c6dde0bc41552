import { DomainError } from '@passerelle/domain';

/**
 * Strict base64 (padded, standard alphabet; whitespace allowed as in FHIR base64Binary) of
 * `field` (`Binary.data`, `attachment.data`): the document's bytes.
 */
export function decodeBase64(data: string | undefined, ref: string, field: string): Buffer {
  if (data === undefined) {
    throw new DomainError('MISSING_DOCUMENT', `${field} is required`, ref);
  }
  // Node decodes leniently; a faithful re-encoding proves the input was canonical base64.
  const bytes = Buffer.from(data, 'base64');
  if (bytes.toString('base64') === data) return bytes;
  const compact = data.replace(/\s+/g, '');
  const unwrapped = Buffer.from(compact, 'base64');
  if (compact === data || unwrapped.toString('base64') !== compact) {
    throw new DomainError('METADATA_INVALID', `${field} is not valid base64`, ref);
  }
  return unwrapped;
}
