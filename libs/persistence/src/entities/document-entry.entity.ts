import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AvailabilityStatus, DocumentEntry } from '@passerelle/domain';

/** What is kept whole in `metadata`: everything but the columns that change between versions. */
export type StoredEntryMetadata = Omit<
  DocumentEntry,
  'entryUuid' | 'version' | 'status' | 'creationTime' | 'serviceStartTime' | 'serviceStopTime'
> & { creationTime: string; serviceStartTime?: string; serviceStopTime?: string };

/**
 * One metadata version of a DocumentEntry. The indexed columns serve the searches; `metadata`
 * keeps the entry whole so both doors render it without loss.
 */
@Entity({ name: 'document_entry' })
export class DocumentEntryRow {
  @PrimaryColumn({ name: 'patient_key', type: 'text' })
  patientKey!: string;

  @PrimaryColumn({ name: 'entry_uuid', type: 'text' })
  entryUuid!: string;

  @Column({ name: 'logical_id', type: 'text' })
  logicalId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'is_latest', type: 'boolean' })
  isLatest!: boolean;

  @Column({ name: 'unique_id', type: 'text' })
  uniqueId!: string;

  @Column({ type: 'text' })
  status!: AvailabilityStatus;

  @Column({ name: 'class_key', type: 'text' })
  classKey!: string;

  @Column({ name: 'type_key', type: 'text' })
  typeKey!: string;

  @Column({ name: 'format_key', type: 'text' })
  formatKey!: string;

  @Column({ name: 'practice_setting_key', type: 'text' })
  practiceSettingKey!: string;

  @Column({ name: 'facility_type_key', type: 'text' })
  facilityTypeKey!: string;

  @Column({ name: 'event_keys', type: 'text', array: true })
  eventKeys!: string[];

  @Column({ name: 'confidentiality_keys', type: 'text', array: true })
  confidentialityKeys!: string[];

  @Column({ name: 'author_names', type: 'text', array: true })
  authorNames!: string[];

  @Column({ name: 'author_ids', type: 'text', array: true })
  authorIds!: string[];

  @Column({ name: 'reference_ids', type: 'text', array: true })
  referenceIds!: string[];

  @Column({ name: 'creation_time', type: 'timestamptz' })
  creationTime!: Date;

  @Column({ name: 'service_start_time', type: 'timestamptz', nullable: true })
  serviceStartTime!: Date | null;

  @Column({ name: 'service_stop_time', type: 'timestamptz', nullable: true })
  serviceStopTime!: Date | null;

  @Column({ name: 'submission_time', type: 'timestamptz' })
  submissionTime!: Date;

  @Column({ name: 'content_id', type: 'text', nullable: true })
  contentId!: string | null;

  @Column({ type: 'jsonb' })
  metadata!: StoredEntryMetadata;
}
