import { Database, FileKeyEncryptionService, openDatabase } from '@passerelle/persistence';

/** The run's key-encryption key file (test/global-setup.ts), shared by every gateway and the CLI. */
export function testKekFile(): string {
  const file = process.env.PASSERELLE_TEST_KEK_FILE;
  if (!file) throw new Error('PASSERELLE_TEST_KEK_FILE is not set (global setup)');
  return file;
}

/** The run's PostgreSQL database, opened directly, with the run's key-encryption keys. */
export function openTestDatabase(poolSize = 1): Promise<Database> {
  return openDatabase({
    databaseUrl: process.env.PASSERELLE_TEST_DATABASE_URL,
    dataDir: '/nonexistent',
    poolSize,
    keyEncryption: FileKeyEncryptionService.open(testKekFile(), { create: false }),
  });
}
