import { userInfo } from 'node:os';
import {
  PostgresAuditStore,
  PostgresRecordLifecycleStore,
  PostgresRegistryStore,
} from '@passerelle/persistence';
import { OperatorLifecycle, SYSTEM_CLOCK } from '@passerelle/record-management';
import type { AppConfig } from '@passerelle/platform';
import { openCliDatabase } from './cli-database';
import { recordViewOf } from './record-view';
import type { ConnectPurpose, RecordsClient } from './records-client';

/**
 * The gateway's own database (DATABASE_URL, else embedded PGlite in DATA_DIR): the operator's
 * path, not decided by the gateway's access rules; its lifecycle steps are audited in the
 * patient's trail as the operator's (`operator:<user>`).
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
  const { dataSource, dataKeys } = database;
  const records = new PostgresRegistryStore(dataSource, dataKeys);
  const audits = new PostgresAuditStore(dataSource);
  const lifecycle = new OperatorLifecycle(
    records,
    new PostgresRecordLifecycleStore(dataSource, dataKeys, audits),
    audits,
    SYSTEM_CLOCK,
  );
  const operator = operatorLabel();
  return {
    open: async (patientId, demographics, byDefault) => {
      const identity = {
        patientKey: patientId.key,
        insValue: patientId.value,
        insOid: patientId.oid,
        ...demographics,
      };
      const { record, created } = byDefault
        ? await lifecycle.openByDefault(operator, identity)
        : await records.openIfAbsent({
            ...identity,
            status: 'open',
            openedAt: new Date(),
            openedBy: operator,
          });
      return { view: recordViewOf(record), created };
    },
    status: async (patientId) => {
      const record = await records.find(patientId.key);
      return record && recordViewOf(record);
    },
    step: async (patientId, step) => {
      if (!(await lifecycle.step(operator, patientId.key, step))) return undefined;
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
