import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A document's bytes as stored: AES-256-GCM ciphertext, its nonce and authentication tag. */
export interface SealedContent {
  readonly ciphertext: Buffer;
  readonly nonce: Buffer;
  readonly authTag: Buffer;
}

/** Names the content a ciphertext is for: it opens as that content of that patient, or not at all. */
export interface ContentAddress {
  readonly patientKey: string;
  readonly contentId: string;
}

const NONCE_BYTES = 12;

/** Encrypts with the patient's data key under a fresh random 96-bit nonce. */
export function sealContent(
  dataKey: Buffer,
  address: ContentAddress,
  bytes: Buffer,
): SealedContent {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
  cipher.setAAD(associatedData(address));
  const ciphertext = Buffer.concat([cipher.update(bytes), cipher.final()]);
  return { ciphertext, nonce, authTag: cipher.getAuthTag() };
}

/** Decrypts and authenticates; throws if the key, the address or a byte is not the sealed one. */
export function openContent(
  dataKey: Buffer,
  address: ContentAddress,
  sealed: SealedContent,
): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.nonce);
  decipher.setAAD(associatedData(address));
  decipher.setAuthTag(sealed.authTag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

function associatedData({ patientKey, contentId }: ContentAddress): Buffer {
  return Buffer.from(JSON.stringify(['passerelle:document-content:v1', patientKey, contentId]));
}
