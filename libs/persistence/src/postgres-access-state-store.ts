import { Injectable } from '@nestjs/common';
import type {
  AccessStateStore,
  EmergencyConsents,
  PatientAccessState,
} from '@passerelle/access-control';
import type { AccessStateWriter, AuthorisationDeclaration } from '@passerelle/record-management';
import { DataSource } from 'typeorm';

interface StateRow {
  record_status: 'open' | 'closed' | null;
  emergency_consents: EmergencyConsents | null;
  authorisation_state: 'valid' | 'forbidden' | null;
  authorisation_expired: boolean | null;
  express_consent: boolean | null;
  blocked: boolean;
  medecin_traitant: boolean;
}

const DEFAULT_CONSENTS: EmergencyConsents = {
  centre15: true,
  otherProfessionals: true,
  maskedDocuments: true,
};

/** The patient's access decisions; one indexed read per request whatever their number. */
@Injectable()
export class PostgresAccessStateStore implements AccessStateStore, AccessStateWriter {
  constructor(private readonly dataSource: DataSource) {}

  async load(patientKey: string, subjectId: string): Promise<PatientAccessState> {
    const [row]: StateRow[] = await this.dataSource.query(
      `SELECT r.status AS record_status, r.emergency_consents,
              a.state AS authorisation_state, a.valid_until < now() AS authorisation_expired,
              a.express_consent,
              EXISTS (SELECT 1 FROM access_block b
                      WHERE b.patient_key = $1 AND b.subject_id = $2) AS blocked,
              EXISTS (SELECT 1 FROM medecin_traitant m
                      WHERE m.patient_key = $1 AND m.subject_id = $2) AS medecin_traitant
       FROM (SELECT 1) AS one
       LEFT JOIN patient_record r ON r.patient_key = $1
       LEFT JOIN access_authorisation a ON a.patient_key = $1 AND a.subject_id = $2`,
      [patientKey, subjectId],
    );
    return {
      recordStatus: row.record_status ?? undefined,
      authorisation:
        row.authorisation_state === null
          ? 'none'
          : row.authorisation_state === 'valid' && row.authorisation_expired
            ? 'expired'
            : row.authorisation_state,
      expressConsent: row.express_consent ?? false,
      blocked: row.blocked,
      medecinTraitant: row.medecin_traitant,
      emergencyConsents: { ...DEFAULT_CONSENTS, ...(row.emergency_consents ?? {}) },
    };
  }

  async declareAuthorisation(declaration: AuthorisationDeclaration): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO access_authorisation
         (patient_key, subject_id, state, express_consent, valid_until, declared_by, declared_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (patient_key, subject_id) DO UPDATE SET
         state = EXCLUDED.state, express_consent = EXCLUDED.express_consent,
         valid_until = EXCLUDED.valid_until, declared_by = EXCLUDED.declared_by,
         declared_at = EXCLUDED.declared_at`,
      [
        declaration.patientKey,
        declaration.subjectId,
        declaration.state,
        declaration.expressConsent,
        declaration.validUntil ?? null,
        declaration.declaredBy,
      ],
    );
  }

  async revokeAuthorisation(patientKey: string, subjectId: string): Promise<boolean> {
    const deleted: unknown[] = await this.dataSource.query(
      `WITH d AS (DELETE FROM access_authorisation WHERE patient_key = $1 AND subject_id = $2
                  RETURNING 1) SELECT 1 FROM d`,
      [patientKey, subjectId],
    );
    return deleted.length > 0;
  }

  async setBlocked(
    patientKey: string,
    subjectId: string,
    blocked: boolean,
    declaredBy: string,
  ): Promise<void> {
    if (!blocked) {
      await this.dataSource.query(
        `DELETE FROM access_block WHERE patient_key = $1 AND subject_id = $2`,
        [patientKey, subjectId],
      );
      return;
    }
    await this.dataSource.query(
      `INSERT INTO access_block (patient_key, subject_id, declared_by, declared_at)
       VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING`,
      [patientKey, subjectId, declaredBy],
    );
  }

  async declareMedecinTraitant(
    patientKey: string,
    subjectId: string,
    declaredBy: string,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO medecin_traitant (patient_key, subject_id, declared_by, declared_at)
       VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING`,
      [patientKey, subjectId, declaredBy],
    );
  }

  async removeMedecinTraitant(patientKey: string, subjectId: string): Promise<boolean> {
    const deleted: unknown[] = await this.dataSource.query(
      `WITH d AS (DELETE FROM medecin_traitant WHERE patient_key = $1 AND subject_id = $2
                  RETURNING 1) SELECT 1 FROM d`,
      [patientKey, subjectId],
    );
    return deleted.length > 0;
  }

  async setEmergencyConsents(patientKey: string, consents: EmergencyConsents): Promise<void> {
    await this.dataSource.query(
      `UPDATE patient_record SET emergency_consents = $2 WHERE patient_key = $1`,
      [patientKey, JSON.stringify(consents)],
    );
  }

  async setRecordStatus(
    patientKey: string,
    status: 'open' | 'closed',
    reason?: string,
  ): Promise<boolean> {
    const updated: unknown[] = await this.dataSource.query(
      `WITH u AS (
         UPDATE patient_record SET status = $2,
           closed_at = CASE WHEN $2 = 'closed' THEN now() END,
           closure_reason = CASE WHEN $2 = 'closed' THEN $3 END
         WHERE patient_key = $1 RETURNING 1)
       SELECT 1 FROM u`,
      [patientKey, status, reason ?? null],
    );
    return updated.length > 0;
  }
}
