import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const kekFile = process.env.PASSERELLE_TEST_KEK_FILE;
  if (kekFile) rmSync(dirname(kekFile), { recursive: true, force: true });
  const name = process.env.PASSERELLE_TEST_DATABASE_NAME;
  if (!name) return;
  const admin = new Client({
    connectionString: process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
