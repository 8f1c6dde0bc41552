import { userInfo } from 'node:os';
import { PostgresAccessStateStore, PostgresRegistryStore } from '@passerelle/persistence';
import type { AppConfig } from '@passerelle/platform';
import { openCliDatabase } from './cli-database';
import { recordViewOf } from './record-view';
import type { ConnectPurpose, RecordsClient } from './records-client';

/**
 * The gateway's own database (DATABASE_URL, else embedded PGlite in DATA_DIR): the operator's
 * path, audited by the operating system, not by the gateway's access decision.
 */
export async function connectToDatabase(
  config: AppConfig,
  purpose: ConnectPurpose,
): Promise<RecordsClient> {
  const database = await openCliDatabase(
    config,
    purpose,
    'use --server https://<gateway> --cert <file> --key <file> --ca <file>',
  );
  const records = new PostgresRegistryStore(database.dataSource, database.dataKeys);
  const accessState = new PostgresAccessStateStore(database.dataSource);
  const openedBy = operatorLabel();
  return {
    open: async (patientId, demographics) => {
      const { record, created } = await records.openIfAbsent({
        patientKey: patientId.key,
        insValue: patientId.value,
        insOid: patientId.oid,
        status: 'open',
        openedAt: new Date(),
        openedBy,
        ...demographics,
      });
      return { view: recordViewOf(record), created };
    },
    status: async (patientId) => {
      const record = await records.find(patientId.key);
      return record && recordViewOf(record);
    },
    setStatus: async (patientId, status, reason) => {
      if (!(await accessState.setRecordStatus(patientId.key, status, reason))) return undefined;
      const record = await records.find(patientId.key);
      return record && recordViewOf(record);
    },
    close: () => database.close(),
  };
}

function operatorLabel(): string {
  try {
    return `operator:${userInfo().username}`;
  } catch {
    // userInfo() throws when the uid has no passwd entry (some containers).
    return `operator:${process.env.USER ?? 'unknown'}`;
  }
}
