import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'document_content' })
export class DocumentContentRow {
  @PrimaryColumn({ name: 'patient_key', type: 'text' })
  patientKey!: string;

  @PrimaryColumn({ name: 'content_id', type: 'text' })
  contentId!: string;

  @Column({ name: 'mime_type', type: 'text' })
  mimeType!: string;

  /** AES-256-GCM ciphertext under the patient's data key; hash and size are the plaintext's. */
  @Column({ type: 'bytea' })
  bytes!: Buffer;

  @Column({ type: 'bytea' })
  nonce!: Buffer;

  @Column({ name: 'auth_tag', type: 'bytea' })
  authTag!: Buffer;

  @Column({ name: 'hash_sha1', type: 'text' })
  hashSha1!: string;

  @Column({ name: 'hash_sha256', type: 'text' })
  hashSha256!: string;

  @Column({ type: 'bigint' })
  size!: string;

  @Column({ name: 'stored_at', type: 'timestamptz' })
  storedAt!: Date;
}
