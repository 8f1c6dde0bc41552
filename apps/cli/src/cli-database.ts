import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  Database,
  EmbeddedDatabaseBusyError,
  FileKeyEncryptionService,
  openDatabase,
} from '@passerelle/persistence';
import type { AppConfig } from '@passerelle/platform';
import { CliError, messageWithCause } from './cli-error';
import type { ConnectPurpose } from './records-client';

/**
 * The gateway's own database (DATABASE_URL, else embedded PGlite in DATA_DIR), opened for one
 * command; `busyAdvice` says what to do when a running gateway holds the embedded database.
 * One connection, but for a command that works on several records at once (`poolSize`).
 */
export async function openCliDatabase(
  config: AppConfig,
  purpose: ConnectPurpose,
  busyAdvice: string,
  poolSize = 1,
): Promise<Database> {
  const pgliteDir = join(config.dataDir, 'pglite');
  if (!config.databaseUrl && !purpose.createDatabase && !existsSync(pgliteDir)) {
    throw new CliError(`No embedded database in ${pgliteDir}: set DATA_DIR or DATABASE_URL`);
  }
  try {
    const { databaseUrl, dataDir, keyEncryption } = config;
    return await openDatabase({
      databaseUrl,
      dataDir,
      poolSize,
      keyEncryption: FileKeyEncryptionService.open(keyEncryption.kekFile, {
        create: keyEncryption.createIfAbsent,
      }),
    });
  } catch (error) {
    if (error instanceof EmbeddedDatabaseBusyError) {
      throw new CliError(`${error.message}: ${busyAdvice}`);
    }
    const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
    throw new CliError(`Cannot open the database, ${where}: ${messageWithCause(error)}`);
  }
}
