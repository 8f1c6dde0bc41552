import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AvailabilityStatus, SubmissionSet } from '@passerelle/domain';

export type StoredSubmissionSetMetadata = Omit<SubmissionSet, 'submissionTime' | 'status'> & {
  submissionTime: string;
};

@Entity({ name: 'submission_set' })
export class SubmissionSetRow {
  @PrimaryColumn({ name: 'patient_key', type: 'text' })
  patientKey!: string;

  @PrimaryColumn({ name: 'entry_uuid', type: 'text' })
  entryUuid!: string;

  @Column({ name: 'unique_id', type: 'text' })
  uniqueId!: string;

  @Column({ name: 'source_id', type: 'text' })
  sourceId!: string;

  @Column({ name: 'content_type_key', type: 'text' })
  contentTypeKey!: string;

  @Column({ name: 'submission_time', type: 'timestamptz' })
  submissionTime!: Date;

  @Column({ type: 'text' })
  status!: AvailabilityStatus;

  @Column({ type: 'jsonb' })
  metadata!: StoredSubmissionSetMetadata;
}
