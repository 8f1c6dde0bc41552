import { Injectable } from '@nestjs/common';
import type {
  LoginThrottle,
  OidcPayload,
  OidcStore,
  PatientAccount,
  PatientAccountStore,
  PendingOneTimeCode,
  ThrottleRule,
} from '@passerelle/patient-channel';
import { DataSource } from 'typeorm';

interface AccountRow {
  id: string;
  patient_key: string;
  role: PatientAccount['role'];
  ins_value: string | null;
  email: string | null;
  display_name: string;
  password_hash: string | null;
  activation_hash: string | null;
  activation_expires_at: Date | null;
  enrolled_at: Date | null;
}

function accountFromRow(row: AccountRow | undefined): PatientAccount | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    patientKey: row.patient_key,
    role: row.role,
    insValue: row.ins_value ?? undefined,
    email: row.email ?? undefined,
    displayName: row.display_name,
    passwordHash: row.password_hash ?? undefined,
    activationHash: row.activation_hash ?? undefined,
    activationExpiresAt: row.activation_expires_at ?? undefined,
    enrolledAt: row.enrolled_at ?? undefined,
  };
}

/**
 * The patient's channel in PostgreSQL: accounts, pending one-time codes, the login throttle and
 * the OpenID Connect provider's state — shared by every node, so that a login begun on one
 * finishes on another and a logout revokes everywhere.
 */
@Injectable()
export class PostgresPatientChannelStore implements PatientAccountStore, LoginThrottle, OidcStore {
  constructor(private readonly dataSource: DataSource) {}

  async findByUsername(username: string): Promise<PatientAccount | undefined> {
    const [row]: AccountRow[] = await this.dataSource.query(
      `SELECT * FROM patient_account
       WHERE email = lower($1) OR (role = 'PATIENT' AND ins_value = upper($1))
       ORDER BY role = 'PATIENT' DESC LIMIT 1`,
      [username],
    );
    return accountFromRow(row);
  }

  async findById(id: string): Promise<PatientAccount | undefined> {
    const [row]: AccountRow[] = await this.dataSource.query(
      `SELECT * FROM patient_account WHERE id = $1`,
      [id],
    );
    return accountFromRow(row);
  }

  async createIfAbsent(account: PatientAccount): Promise<PatientAccount> {
    await this.dataSource.query(
      `INSERT INTO patient_account (id, patient_key, role, ins_value, email, display_name, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT DO NOTHING`,
      [
        account.id,
        account.patientKey,
        account.role,
        account.insValue ?? null,
        account.email ?? null,
        account.displayName,
      ],
    );
    const [row]: AccountRow[] = await this.dataSource.query(
      `SELECT * FROM patient_account
       WHERE id = $1 OR email = $2 OR ($3 = 'PATIENT' AND role = 'PATIENT' AND patient_key = $4)
       ORDER BY id = $1 DESC LIMIT 1`,
      [account.id, account.email ?? null, account.role, account.patientKey],
    );
    return accountFromRow(row)!;
  }

  async setActivation(accountId: string, activationHash: string, expiresAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE patient_account SET activation_hash = $2, activation_expires_at = $3 WHERE id = $1`,
      [accountId, activationHash, expiresAt],
    );
  }

  async enrol(accountId: string, passwordHash: string, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE patient_account SET password_hash = $2, enrolled_at = $3,
         activation_hash = NULL, activation_expires_at = NULL
       WHERE id = $1`,
      [accountId, passwordHash, at],
    );
  }

  async saveOneTimeCode(code: PendingOneTimeCode): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO patient_one_time_code (interaction_id, account_id, code_hash, expires_at, tries_left)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (interaction_id) DO UPDATE SET account_id = EXCLUDED.account_id,
         code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at,
         tries_left = EXCLUDED.tries_left`,
      [code.interactionId, code.accountId, code.codeHash, code.expiresAt, code.triesLeft],
    );
  }

  async findOneTimeCode(interactionId: string): Promise<PendingOneTimeCode | undefined> {
    const [row]: {
      interaction_id: string;
      account_id: string;
      code_hash: string;
      expires_at: Date;
      tries_left: number;
    }[] = await this.dataSource.query(
      `SELECT * FROM patient_one_time_code WHERE interaction_id = $1`,
      [interactionId],
    );
    return row
      ? {
          interactionId: row.interaction_id,
          accountId: row.account_id,
          codeHash: row.code_hash,
          expiresAt: row.expires_at,
          triesLeft: row.tries_left,
        }
      : undefined;
  }

  async spendOneTimeCodeTry(interactionId: string): Promise<number> {
    const rows: { tries_left: number }[] = await this.dataSource.query(
      `WITH spent AS (UPDATE patient_one_time_code SET tries_left = tries_left - 1
                      WHERE interaction_id = $1 RETURNING tries_left)
       SELECT tries_left FROM spent`,
      [interactionId],
    );
    return rows.length ? rows[0].tries_left : -1;
  }

  async deleteOneTimeCode(interactionId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM patient_one_time_code WHERE interaction_id = $1`, [
      interactionId,
    ]);
  }

  async lockedUntil(key: string, now: Date): Promise<Date | undefined> {
    const [row]: { locked_until: Date | null }[] = await this.dataSource.query(
      `SELECT locked_until FROM patient_login_throttle WHERE key = $1 AND locked_until > $2`,
      [key, now],
    );
    return row?.locked_until ?? undefined;
  }

  /** One statement: a new window once the last one is over, the lock once the limit is met. */
  async recordFailure(key: string, now: Date, rule: ThrottleRule): Promise<Date | undefined> {
    const [row]: { locked_until: Date | null }[] = await this.dataSource.query(
      `INSERT INTO patient_login_throttle AS t (key, failures, window_started_at, locked_until)
       VALUES ($1, 1, $2, CASE WHEN $3::int <= 1 THEN $2::timestamptz + make_interval(secs => $5) END)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_started_at + make_interval(secs => $4) <= $2 THEN 1
                         ELSE t.failures + 1 END,
         window_started_at = CASE WHEN t.window_started_at + make_interval(secs => $4) <= $2
                                  THEN $2 ELSE t.window_started_at END,
         locked_until = CASE
           WHEN t.window_started_at + make_interval(secs => $4) > $2 AND t.failures + 1 >= $3
             THEN $2::timestamptz + make_interval(secs => $5)
           ELSE t.locked_until END
       RETURNING locked_until`,
      [key, now, rule.maxFailures, rule.windowSeconds, rule.lockSeconds],
    );
    return row.locked_until && row.locked_until > now ? row.locked_until : undefined;
  }

  async reset(key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM patient_login_throttle WHERE key = $1`, [key]);
  }

  async upsert(model: string, id: string, payload: OidcPayload, expiresAt?: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO oidc_model (model, id, payload, grant_id, user_code, uid, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload,
         grant_id = EXCLUDED.grant_id, user_code = EXCLUDED.user_code, uid = EXCLUDED.uid,
         expires_at = EXCLUDED.expires_at`,
      [
        model,
        id,
        JSON.stringify(payload),
        payload.grantId ?? null,
        payload.userCode ?? null,
        payload.uid ?? null,
        expiresAt ?? null,
      ],
    );
  }

  find(model: string, id: string): Promise<OidcPayload | undefined> {
    return this.findWhere(model, 'id = $2', id);
  }

  findByUid(model: string, uid: string): Promise<OidcPayload | undefined> {
    return this.findWhere(model, 'uid = $2', uid);
  }

  findByUserCode(model: string, userCode: string): Promise<OidcPayload | undefined> {
    return this.findWhere(model, 'user_code = $2', userCode);
  }

  async consume(model: string, id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE oidc_model SET consumed_at = now() WHERE model = $1 AND id = $2`,
      [model, id],
    );
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM oidc_model WHERE model = $1 AND id = $2`, [model, id]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM oidc_model WHERE grant_id = $1 OR (model = 'Grant' AND id = $1)`,
      [grantId],
    );
  }

  async purgeExpired(now: Date): Promise<number> {
    const [row]: { purged: string }[] = await this.dataSource.query(
      `WITH models AS (DELETE FROM oidc_model WHERE expires_at < $1 RETURNING 1),
            codes AS (DELETE FROM patient_one_time_code WHERE expires_at < $1 RETURNING 1),
            windows AS (DELETE FROM patient_login_throttle
                        WHERE window_started_at < $1::timestamptz - interval '1 day'
                          AND (locked_until IS NULL OR locked_until < $1) RETURNING 1)
       SELECT (SELECT count(*) FROM models) + (SELECT count(*) FROM codes)
              + (SELECT count(*) FROM windows) AS purged`,
      [now],
    );
    return Number(row.purged);
  }

  private async findWhere(
    model: string,
    condition: string,
    value: string,
  ): Promise<OidcPayload | undefined> {
    const [row]: { payload: OidcPayload; consumed_at: Date | null }[] = await this.dataSource.query(
      `SELECT payload, consumed_at FROM oidc_model
         WHERE model = $1 AND ${condition} AND (expires_at IS NULL OR expires_at > now())`,
      [model, value],
    );
    if (!row) return undefined;
    return row.consumed_at
      ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) }
      : row.payload;
  }
}
