import { createHash } from 'node:crypto';

export interface ContentDigest {
  /** SHA-1, lower-case hex (the XDS `hash` slot). */
  readonly sha1Hex: string;
  /** SHA-256, lower-case hex. */
  readonly sha256Hex: string;
  readonly size: number;
}

export function digestContent(bytes: Buffer): ContentDigest {
  return {
    sha1Hex: createHash('sha1').update(bytes).digest('hex'),
    sha256Hex: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
  };
}
