import type { ProfessionalDirectory } from '@passerelle/access-control';
import { PostgresProfessionalDirectory } from '@passerelle/persistence';
import { loadConfig } from '@passerelle/platform';
import { openCliDatabase } from './cli-database';
import type { ConnectPurpose } from './records-client';

/** Runs `work` on the directory in the gateway's own database, then closes it. */
export async function withDirectory<T>(
  purpose: ConnectPurpose,
  work: (directory: ProfessionalDirectory) => Promise<T>,
): Promise<T> {
  const database = await openCliDatabase(
    loadConfig(process.env),
    purpose,
    'stop the gateway, or use PostgreSQL (DATABASE_URL)',
  );
  try {
    return await work(new PostgresProfessionalDirectory(database.dataSource));
  } finally {
    await database.close();
  }
}
