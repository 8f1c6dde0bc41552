import type { Professional } from '@passerelle/access-control';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The professional directory: reference data, not scoped by patient. */
@Entity({ name: 'professional' })
export class ProfessionalRow {
  @PrimaryColumn({ name: 'id_nat', type: 'text' })
  idNat!: string;

  @Column({ type: 'text' })
  family!: string;

  @Column({ type: 'text' })
  given!: string;

  @Column({ name: 'profession_code', type: 'text' })
  professionCode!: string;

  @Column({ name: 'specialty_code', type: 'text', nullable: true })
  specialtyCode!: string | null;

  /** The whole professional, exercises included. */
  @Column({ type: 'jsonb' })
  data!: Professional;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
