import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import {
  Database,
  EmbeddedDatabaseBusyError,
  PostgresRegistryStore,
  openDatabase,
} from '@passerelle/persistence';
import type { AppConfig } from '@passerelle/platform';
import { PatientRecords } from '@passerelle/registry';
import { CliError, messageWithCause } from './cli-error';
import { recordViewOf } from './record-view';
import type { ConnectPurpose, RecordsClient } from './records-client';

/** The gateway's own database (DATABASE_URL, else embedded PGlite in DATA_DIR). */
export async function connectToDatabase(
  config: AppConfig,
  purpose: ConnectPurpose,
): Promise<RecordsClient> {
  const database = await open(config, purpose);
  const records = new PatientRecords(new PostgresRegistryStore(database.dataSource));
  const openedBy = operatorLabel();
  return {
    open: async (patientId, demographics) => {
      const { record, created } = await records.open(patientId, openedBy, demographics);
      return { view: recordViewOf(record), created };
    },
    status: async (patientId) => {
      const record = await records.find(patientId);
      return record && recordViewOf(record);
    },
    close: () => database.close(),
  };
}

async function open(config: AppConfig, purpose: ConnectPurpose): Promise<Database> {
  if (!config.databaseUrl) checkEmbedded(join(config.dataDir, 'pglite'), purpose);
  try {
    return await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: 1,
    });
  } catch (error) {
    if (error instanceof EmbeddedDatabaseBusyError) {
      throw new CliError(
        `${error.message}: use --server https://<gateway> --cert <file> --key <file> --ca <file>`,
      );
    }
    const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
    throw new CliError(`Cannot open the database, ${where}: ${messageWithCause(error)}`);
  }
}

function checkEmbedded(pgliteDir: string, purpose: ConnectPurpose): void {
  if (!existsSync(pgliteDir)) {
    if (purpose.createDatabase) return;
    throw new CliError(`No embedded database in ${pgliteDir}: set DATA_DIR or DATABASE_URL`);
  }
}

function operatorLabel(): string {
  try {
    return `operator:${userInfo().username}`;
  } catch {
    // userInfo() throws when the uid has no passwd entry (some containers).
    return `operator:${process.env.USER ?? 'unknown'}`;
  }
}
