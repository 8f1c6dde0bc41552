import { Injectable } from '@nestjs/common';
import type {
  AccessStateStore,
  ActorStructures,
  EmergencyConsents,
  PatientAccessState,
  SubjectKind,
} from '@passerelle/access-control';
import type {
  AccessDecisions,
  AccessDecisionsReader,
  AccessStateWriter,
  AuthorisationDeclaration,
  AuthorisationEntry,
  BlockChange,
  BlockEntry,
  DecisionEntry,
} from '@passerelle/record-management';
import { LIFECYCLE_DELAYS, RecordStatus } from '@passerelle/domain';
import { DataSource } from 'typeorm';

export interface StateRow {
  record_status: RecordStatus | null;
  patient_read_over: boolean | null;
  emergency_consents: EmergencyConsents | null;
  forbidden: boolean | null;
  valid: boolean | null;
  expired: boolean | null;
  express_consent: boolean | null;
  blocked: boolean;
  medecin_traitant: boolean;
}

interface DecisionRow {
  kind: 'authorisation' | 'block' | 'medecin-traitant' | 'emergency';
  subject_id: string | null;
  subject_kind: SubjectKind | null;
  state: 'valid' | 'forbidden' | null;
  expired: boolean | null;
  express_consent: boolean | null;
  valid_until: Date | null;
  declared_by: string | null;
  declared_at: Date | null;
  emergency_consents: EmergencyConsents | null;
}

const PATIENT_READ_PERIOD = `interval '${LIFECYCLE_DELAYS.patientReadMonths} months'`;

const DEFAULT_CONSENTS: EmergencyConsents = {
  centre15: true,
  otherProfessionals: true,
  maskedDocuments: true,
};

/** The authorisations, blocks of the actor ($2) and of the structures he acts for ($3). */
const ACTOR_OR_STRUCTURE = `(subject_id = $2 OR subject_id = ANY($3::text[]))`;
/** Only the actor himself and the structures the directory confirms pass an authorisation on. */
const GRANTING = `(subject_id = $2 OR subject_id = ANY($4::text[]))`;

/**
 * The access state of the record `patientKey` (an SQL expression) for the actor: $2 his id, $3
 * the structures he acts for, $4 those confirmed. One row, whether the record exists or not.
 */
export function accessStateSql(patientKey: string): string {
  return `SELECT r.status AS record_status, r.emergency_consents,
              r.status IN ('closed', 'deletion-requested')
                AND r.closed_at + ${PATIENT_READ_PERIOD} <= now() AS patient_read_over,
              a.forbidden, a.valid, a.expired, a.express_consent,
              EXISTS (SELECT 1 FROM access_block
                      WHERE patient_key = ${patientKey} AND ${ACTOR_OR_STRUCTURE}) AS blocked,
              EXISTS (SELECT 1 FROM medecin_traitant m
                      WHERE m.patient_key = ${patientKey} AND m.subject_id = $2) AS medecin_traitant
       FROM (SELECT 1) AS one
       LEFT JOIN patient_record r ON r.patient_key = ${patientKey}
       CROSS JOIN (
         SELECT bool_or(state = 'forbidden') AS forbidden,
                bool_or(state = 'valid' AND (valid_until IS NULL OR valid_until >= now())
                        AND ${GRANTING}) AS valid,
                bool_or(state = 'valid' AND valid_until < now() AND ${GRANTING}) AS expired,
                bool_or(express_consent) FILTER (WHERE subject_id = $2) AS express_consent
         FROM access_authorisation
         WHERE patient_key = ${patientKey} AND ${ACTOR_OR_STRUCTURE}) AS a`;
}

export function accessStateOf(row: StateRow): PatientAccessState {
  return {
    recordStatus: row.record_status ?? undefined,
    patientReadPeriodOver: row.patient_read_over ?? false,
    authorisation: row.forbidden
      ? 'forbidden'
      : row.valid
        ? 'valid'
        : row.expired
          ? 'expired'
          : 'none',
    expressConsent: row.express_consent ?? false,
    blocked: row.blocked,
    medecinTraitant: row.medecin_traitant,
    emergencyConsents: { ...DEFAULT_CONSENTS, ...(row.emergency_consents ?? {}) },
  };
}

/** The patient's access decisions; one indexed read per request whatever their number. */
@Injectable()
export class PostgresAccessStateStore
  implements AccessStateStore, AccessStateWriter, AccessDecisionsReader
{
  constructor(private readonly dataSource: DataSource) {}

  async load(
    patientKey: string,
    subjectId: string,
    structures: ActorStructures,
  ): Promise<PatientAccessState> {
    const [row]: StateRow[] = await this.dataSource.query(accessStateSql('$1'), [
      patientKey,
      subjectId,
      structures.actingFor,
      structures.confirmed,
    ]);
    return accessStateOf(row);
  }

  async loadEach(
    patientKeys: readonly string[],
    subjectId: string,
    structures: ActorStructures,
  ): Promise<PatientAccessState[]> {
    const rows: StateRow[] = await this.dataSource.query(
      `SELECT s.* FROM unnest($1::text[]) WITH ORDINALITY AS k(patient_key, position)
       CROSS JOIN LATERAL (${accessStateSql('k.patient_key')}) AS s
       ORDER BY k.position`,
      [patientKeys, subjectId, structures.actingFor, structures.confirmed],
    );
    return rows.map(accessStateOf);
  }

  async list(patientKey: string): Promise<AccessDecisions> {
    const rows: DecisionRow[] = await this.dataSource.query(
      `SELECT 'authorisation' AS kind, subject_id, subject_kind, state,
              valid_until < now() AS expired, express_consent, valid_until,
              declared_by, declared_at, NULL::jsonb AS emergency_consents
       FROM access_authorisation WHERE patient_key = $1
       UNION ALL
       SELECT 'block', subject_id, subject_kind, NULL, NULL, NULL, NULL,
              declared_by, declared_at, NULL
       FROM access_block WHERE patient_key = $1
       UNION ALL
       SELECT 'medecin-traitant', subject_id, 'PS', NULL, NULL, NULL, NULL,
              declared_by, declared_at, NULL
       FROM medecin_traitant WHERE patient_key = $1
       UNION ALL
       SELECT 'emergency', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, emergency_consents
       FROM patient_record WHERE patient_key = $1
       ORDER BY declared_at, subject_id`,
      [patientKey],
    );
    const ofKind = (kind: DecisionRow['kind']) => rows.filter((row) => row.kind === kind);
    const emergency = ofKind('emergency')[0]?.emergency_consents;
    return {
      authorisations: ofKind('authorisation').map(authorisationEntry),
      blocks: ofKind('block').map(blockEntry),
      medecinsTraitants: ofKind('medecin-traitant').map(decisionEntry),
      emergencyConsents: { ...DEFAULT_CONSENTS, ...(emergency ?? {}) },
    };
  }

  async declareAuthorisation(declaration: AuthorisationDeclaration): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO access_authorisation
         (patient_key, subject_id, subject_kind, state, express_consent, valid_until,
          declared_by, declared_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (patient_key, subject_id) DO UPDATE SET
         subject_kind = EXCLUDED.subject_kind,
         state = EXCLUDED.state, express_consent = EXCLUDED.express_consent,
         valid_until = EXCLUDED.valid_until, declared_by = EXCLUDED.declared_by,
         declared_at = EXCLUDED.declared_at`,
      [
        declaration.patientKey,
        declaration.subjectId,
        declaration.subjectKind,
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

  async setBlocked(change: BlockChange): Promise<void> {
    if (!change.blocked) {
      await this.dataSource.query(
        `DELETE FROM access_block WHERE patient_key = $1 AND subject_id = $2`,
        [change.patientKey, change.subjectId],
      );
      return;
    }
    await this.dataSource.query(
      `INSERT INTO access_block (patient_key, subject_id, subject_kind, declared_by, declared_at)
       VALUES ($1, $2, $3, $4, now()) ON CONFLICT DO NOTHING`,
      [change.patientKey, change.subjectId, change.subjectKind, change.declaredBy],
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
}

function decisionEntry(row: DecisionRow): DecisionEntry {
  return {
    subjectId: row.subject_id!,
    declaredBy: row.declared_by!,
    declaredAt: new Date(row.declared_at!),
  };
}

function blockEntry(row: DecisionRow): BlockEntry {
  return { ...decisionEntry(row), subjectKind: row.subject_kind! };
}

function authorisationEntry(row: DecisionRow): AuthorisationEntry {
  return {
    ...blockEntry(row),
    state: row.state === 'valid' && row.expired ? 'expired' : row.state!,
    expressConsent: row.express_consent!,
    ...(row.valid_until ? { validUntil: new Date(row.valid_until) } : {}),
  };
}
