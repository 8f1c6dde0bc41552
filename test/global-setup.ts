import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
// Jest's module mapping does not apply to the global setup: the file itself, by its path.
import { FileKeyEncryptionService } from '../libs/persistence/src/encryption/file-key-encryption-service';

/**
 * One fresh PostgreSQL database per test run (dropped by global-teardown), and the one
 * key-encryption key file every gateway and command of the run shares, as nodes do.
 */
export default async function globalSetup(): Promise<void> {
  const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `passerelle_test_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  process.env.PASSERELLE_TEST_DATABASE_URL = url.toString();
  process.env.PASSERELLE_TEST_DATABASE_NAME = name;
  const kekFile = join(mkdtempSync(join(tmpdir(), 'passerelle-test-keys-')), 'kek.json');
  FileKeyEncryptionService.open(kekFile, { create: true });
  process.env.PASSERELLE_TEST_KEK_FILE = kekFile;
}
