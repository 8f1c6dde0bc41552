import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { KeyEncryptionService, WrappedKey } from './key-encryption-service';

/** What runs a statement: the data source, an entity manager or a query runner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export const PATIENT_DATA_KEY_TABLE = 'passerelle_keys.patient_data_key';

interface DataKeyRow {
  readonly patient_key: string;
  readonly wrapped_key: Buffer;
  readonly kek_id: string;
}

export interface DataKeyCacheOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly now: () => number;
}

const CACHE_DEFAULTS: DataKeyCacheOptions = {
  maxEntries: 10_000,
  ttlMs: 5 * 60_000,
  now: Date.now,
};

/**
 * Unwrapped data keys kept briefly in memory, so that reads and writes of a record do not ask
 * the KEK service each time: at most `maxEntries` (the least recently used go first), each for
 * `ttlMs` at most.
 */
export class DataKeyCache {
  private readonly entries = new Map<
    string,
    { readonly key: Buffer; readonly expiresAt: number }
  >();
  private readonly options: DataKeyCacheOptions;

  constructor(options: Partial<DataKeyCacheOptions> = {}) {
    this.options = { ...CACHE_DEFAULTS, ...options };
  }

  get size(): number {
    return this.entries.size;
  }

  get(patientKey: string): Buffer | undefined {
    const entry = this.entries.get(patientKey);
    if (!entry) return undefined;
    this.entries.delete(patientKey);
    if (entry.expiresAt <= this.options.now()) return undefined;
    this.entries.set(patientKey, entry);
    return entry.key;
  }

  set(patientKey: string, key: Buffer): void {
    this.entries.delete(patientKey);
    this.entries.set(patientKey, { key, expiresAt: this.options.now() + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  evict(patientKey: string): void {
    this.entries.delete(patientKey);
  }
}

/**
 * Each patient's data key (AES-256), which encrypts his documents' content: created at random on
 * the record's first content, kept in `passerelle_keys.patient_data_key` wrapped by the KEK
 * service, never stored unwrapped. Destroying it makes every copy of his content unreadable,
 * backups included (crypto-shredding).
 */
export class PatientDataKeys {
  constructor(
    private readonly kek: KeyEncryptionService,
    private readonly cache = new DataKeyCache(),
  ) {}

  /**
   * The key that encrypts new content of the record, created if it has none; `undefined` when
   * there is no such record (or it was purged). Run outside a transaction: a key is stored before
   * any content uses it.
   */
  async forWriting(db: Queryable, patientKey: string): Promise<Buffer | undefined> {
    const cached = this.cache.get(patientKey);
    if (cached) return cached;
    const stored = await storedKey(db, patientKey);
    if (stored) return this.unwrapped(patientKey, stored);
    const key = randomBytes(32);
    const { keyId, wrapped } = await this.kek.wrap(key, patientKey);
    const inserted = (await db.query(
      `INSERT INTO ${PATIENT_DATA_KEY_TABLE} (patient_key, wrapped_key, kek_id)
       SELECT $1, $2, $3
        WHERE EXISTS (SELECT 1 FROM patient_record WHERE patient_key = $1 AND status <> 'purged')
       ON CONFLICT (patient_key) DO NOTHING
       RETURNING patient_key`,
      [patientKey, wrapped, keyId],
    )) as unknown[];
    if (inserted.length > 0) {
      this.cache.set(patientKey, key);
      return key;
    }
    // Another node created it first, or there is no record.
    const winner = await storedKey(db, patientKey);
    return winner ? this.unwrapped(patientKey, winner) : undefined;
  }

  /**
   * {@link forWriting} for several records at once (a bulk import's batch): the stored keys in
   * one statement, the missing ones created in one more; a record without a key in the answer
   * has no record (or it was purged).
   */
  async forWritingAll(db: Queryable, patientKeys: readonly string[]): Promise<Map<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    const unknown = patientKeys.filter((patientKey) => {
      const cached = this.cache.get(patientKey);
      if (cached) keys.set(patientKey, cached);
      return !cached;
    });
    if (unknown.length === 0) return keys;
    const stored = await storedKeys(db, unknown);
    for (const row of stored) {
      keys.set(row.patient_key, await this.unwrapped(row.patient_key, wrappedOf(row)));
    }
    const missing = unknown.filter((patientKey) => !keys.has(patientKey));
    if (missing.length === 0) return keys;
    const created = new Map<string, { key: Buffer; wrapped: WrappedKey }>();
    for (const patientKey of missing) {
      const key = randomBytes(32);
      created.set(patientKey, { key, wrapped: await this.kek.wrap(key, patientKey) });
    }
    const inserted = (await db.query(
      `INSERT INTO ${PATIENT_DATA_KEY_TABLE} (patient_key, wrapped_key, kek_id)
       SELECT n.patient_key, n.wrapped_key, n.kek_id
         FROM unnest($1::text[], $2::bytea[], $3::text[]) AS n(patient_key, wrapped_key, kek_id)
        WHERE EXISTS (SELECT 1 FROM patient_record r
                       WHERE r.patient_key = n.patient_key AND r.status <> 'purged')
       ON CONFLICT (patient_key) DO NOTHING
       RETURNING patient_key`,
      [
        missing,
        missing.map((patientKey) => created.get(patientKey)!.wrapped.wrapped),
        missing.map((patientKey) => created.get(patientKey)!.wrapped.keyId),
      ],
    )) as { patient_key: string }[];
    for (const { patient_key: patientKey } of inserted) {
      const { key } = created.get(patientKey)!;
      this.cache.set(patientKey, key);
      keys.set(patientKey, key);
    }
    // Another node created some first, or there is no record.
    const others = missing.filter((patientKey) => !keys.has(patientKey));
    if (others.length === 0) return keys;
    for (const row of await storedKeys(db, others)) {
      keys.set(row.patient_key, await this.unwrapped(row.patient_key, wrappedOf(row)));
    }
    return keys;
  }

  /**
   * The key from its wrapped form, read with the content in the same statement; `undefined` once
   * destroyed, even where another node's purge destroyed it while this one had it in its cache.
   */
  async forReading(
    patientKey: string,
    stored: WrappedKey | undefined,
  ): Promise<Buffer | undefined> {
    if (!stored) {
      this.cache.evict(patientKey);
      return undefined;
    }
    return this.cache.get(patientKey) ?? this.unwrapped(patientKey, stored);
  }

  /** Destroys the patient's key (crypto-shredding); true if there was one. */
  async destroy(db: Queryable, patientKey: string): Promise<boolean> {
    this.cache.evict(patientKey);
    const deleted = (await db.query(
      `DELETE FROM ${PATIENT_DATA_KEY_TABLE} WHERE patient_key = $1 RETURNING patient_key`,
      [patientKey],
    )) as [unknown[], number];
    return deleted[1] > 0;
  }

  /**
   * Rewraps every data key not wrapped by the newest KEK, in batches each committed on its own,
   * so that it resumes where it stopped and several runners share the work; the number rewrapped.
   */
  async rewrapAll(dataSource: DataSource, batchSize = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const rewrapped = await dataSource.transaction(async (manager) => {
        const current = this.kek.currentKeyId();
        const rows = await manager.query<DataKeyRow[]>(
          `SELECT patient_key, wrapped_key, kek_id FROM ${PATIENT_DATA_KEY_TABLE}
            WHERE kek_id <> $1 ORDER BY patient_key LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [current, batchSize],
        );
        for (const row of rows) {
          const key = await this.kek.unwrap(wrappedOf(row), row.patient_key);
          const { keyId, wrapped } = await this.kek.wrap(key, row.patient_key);
          await manager.query(
            `UPDATE ${PATIENT_DATA_KEY_TABLE} SET wrapped_key = $2, kek_id = $3
              WHERE patient_key = $1`,
            [row.patient_key, wrapped, keyId],
          );
        }
        return rows.length;
      });
      if (rewrapped === 0) return total;
      total += rewrapped;
    }
  }

  /** How many data keys each KEK wraps, the newest KEK first. */
  async countByKek(db: Queryable): Promise<{ kekId: string; dataKeys: number }[]> {
    const rows = (await db.query(
      `SELECT kek_id, count(*)::int AS n FROM ${PATIENT_DATA_KEY_TABLE} GROUP BY kek_id`,
    )) as { kek_id: string; n: number }[];
    const counts = new Map(rows.map((row) => [row.kek_id, row.n]));
    const kekIds = [...new Set([...this.kek.keyIds(), ...counts.keys()])].reverse();
    return kekIds.map((kekId) => ({ kekId, dataKeys: counts.get(kekId) ?? 0 }));
  }

  /** KEKs that wrap data keys of the database but that the KEK service does not have. */
  async unknownKeks(db: Queryable): Promise<{ kekId: string; dataKeys: number }[]> {
    const known = new Set(this.kek.keyIds());
    return (await this.countByKek(db)).filter(({ kekId }) => !known.has(kekId));
  }

  private async unwrapped(patientKey: string, stored: WrappedKey): Promise<Buffer> {
    const key = await this.kek.unwrap(stored, patientKey);
    this.cache.set(patientKey, key);
    return key;
  }
}

async function storedKey(db: Queryable, patientKey: string): Promise<WrappedKey | undefined> {
  const [row] = (await db.query(
    `SELECT patient_key, wrapped_key, kek_id FROM ${PATIENT_DATA_KEY_TABLE} WHERE patient_key = $1`,
    [patientKey],
  )) as DataKeyRow[];
  return row ? wrappedOf(row) : undefined;
}

function storedKeys(db: Queryable, patientKeys: readonly string[]): Promise<DataKeyRow[]> {
  return db.query(
    `SELECT patient_key, wrapped_key, kek_id FROM ${PATIENT_DATA_KEY_TABLE}
      WHERE patient_key = ANY($1::text[])`,
    [patientKeys],
  ) as Promise<DataKeyRow[]>;
}

function wrappedOf(row: DataKeyRow): WrappedKey {
  return { keyId: row.kek_id, wrapped: row.wrapped_key };
}
