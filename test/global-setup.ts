import { Client } from 'pg';

/** One fresh PostgreSQL database per test run (dropped by global-teardown). */
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
}
