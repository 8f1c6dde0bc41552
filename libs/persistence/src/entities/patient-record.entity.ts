import type { NotificationPreferences, RecordStatus, Suspension } from '@passerelle/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'patient_record' })
export class PatientRecordRow {
  @PrimaryColumn({ name: 'patient_key', type: 'text' })
  patientKey!: string;

  @Column({ name: 'ins_value', type: 'text' })
  insValue!: string;

  @Column({ name: 'ins_oid', type: 'text' })
  insOid!: string;

  @Column({ type: 'text' })
  status!: RecordStatus;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'opened_by', type: 'text' })
  openedBy!: string;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'closure_reason', type: 'text', nullable: true })
  closureReason!: string | null;

  @Column({ name: 'opposition_until', type: 'timestamptz', nullable: true })
  oppositionUntil!: Date | null;

  @Column({ name: 'deletion_requested_at', type: 'timestamptz', nullable: true })
  deletionRequestedAt!: Date | null;

  @Column({ name: 'purge_due_at', type: 'timestamptz', nullable: true })
  purgeDueAt!: Date | null;

  /** `at` as an ISO string. */
  @Column({ type: 'jsonb', nullable: true })
  suspension!: (Omit<Suspension, 'at'> & { at: string }) | null;

  @Column({ name: 'purge_started_at', type: 'timestamptz', nullable: true })
  purgeStartedAt!: Date | null;

  @Column({ name: 'purged_at', type: 'timestamptz', nullable: true })
  purgedAt!: Date | null;

  @Column({ type: 'jsonb' })
  demographics!: {
    family?: string;
    given?: string;
    birthDate?: string;
    gender?: string;
    email?: string;
  };

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  /** The kinds of notification the patient turned off (`false`) or on; a kind absent is wanted. */
  @Column({ name: 'notification_preferences', type: 'jsonb' })
  notificationPreferences!: Partial<NotificationPreferences>;
}
