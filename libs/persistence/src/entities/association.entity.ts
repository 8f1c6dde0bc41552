import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AssociationType, AvailabilityStatus } from '@passerelle/domain';

@Entity({ name: 'association' })
export class AssociationRow {
  @PrimaryColumn({ name: 'patient_key', type: 'text' })
  patientKey!: string;

  @PrimaryColumn({ name: 'entry_uuid', type: 'text' })
  entryUuid!: string;

  @Column({ type: 'text' })
  type!: AssociationType;

  @Column({ name: 'source_uuid', type: 'text' })
  sourceUuid!: string;

  @Column({ name: 'target_uuid', type: 'text' })
  targetUuid!: string;

  @Column({ name: 'submission_set_status', type: 'text', nullable: true })
  submissionSetStatus!: 'Original' | 'Reference' | null;

  @Column({ type: 'text' })
  status!: AvailabilityStatus;
}
