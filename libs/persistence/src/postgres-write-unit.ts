import type { AuditEntry } from '@passerelle/audit';
import type { DocumentContent, WriteUnit } from '@passerelle/domain';
import type { DataSource } from 'typeorm';
import { InsertStatement } from './insert-statement';

/**
 * A unit of work on PostgreSQL: every row staged by the registry, the content store and the
 * audit store, sent with the submission guard as one statement (or, past the bind-parameter
 * limit, as several in one transaction) — a submission is stored whole, audited and its
 * notifications queued, or nothing is.
 */
export class PostgresWriteUnit implements WriteUnit {
  readonly insert: InsertStatement;
  /** Encrypted at commit, when the patient's data key is at hand. */
  readonly contents: DocumentContent[] = [];
  /** Written at commit, with the rows they record: one audit record each. */
  readonly audits: AuditEntry[] = [];
  readonly replacedEntryUuids: string[] = [];
  readonly senderEntryUuids: string[] = [];

  constructor(
    readonly patientKey: string,
    dataSource: DataSource,
  ) {
    this.insert = new InsertStatement(dataSource);
  }
}

export function postgresUnit(unit: WriteUnit): PostgresWriteUnit {
  if (!(unit instanceof PostgresWriteUnit)) throw new Error('Not a PostgreSQL write unit');
  return unit;
}
