import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AvailabilityStatus, Folder } from '@passerelle/domain';

export type StoredFolderMetadata = Omit<Folder, 'lastUpdateTime' | 'status'> & {
  lastUpdateTime: string;
};

@Entity({ name: 'folder' })
export class FolderRow {
  @PrimaryColumn({ name: 'patient_key', type: 'text' })
  patientKey!: string;

  @PrimaryColumn({ name: 'entry_uuid', type: 'text' })
  entryUuid!: string;

  @Column({ name: 'logical_id', type: 'text' })
  logicalId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'unique_id', type: 'text' })
  uniqueId!: string;

  @Column({ name: 'code_keys', type: 'text', array: true })
  codeKeys!: string[];

  @Column({ name: 'last_update_time', type: 'timestamptz' })
  lastUpdateTime!: Date;

  @Column({ type: 'text' })
  status!: AvailabilityStatus;

  @Column({ type: 'jsonb' })
  metadata!: StoredFolderMetadata;
}
