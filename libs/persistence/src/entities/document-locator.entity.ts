import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Routes a document uniqueId to its patient: ITI-43 retrieves and duplicate checks arrive without
 * a patient. On a distributed PostgreSQL this is the one lookup table not keyed by patient.
 */
@Entity({ name: 'document_locator' })
export class DocumentLocatorRow {
  @PrimaryColumn({ name: 'unique_id', type: 'text' })
  uniqueId!: string;

  @Column({ name: 'patient_key', type: 'text' })
  patientKey!: string;

  @Column({ name: 'logical_id', type: 'text' })
  logicalId!: string;

  @Column({ name: 'hash_sha1', type: 'text' })
  hashSha1!: string;

  @Column({ type: 'bigint' })
  size!: string;
}
