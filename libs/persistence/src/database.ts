import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { lockEmbeddedDatabase } from './embedded-lock';
import { MIGRATIONS } from './migrations';

export interface DatabaseOptions {
  /** PostgreSQL connection string; absent: embedded PGlite under `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly poolSize: number;
}

/** An open, migrated database and how to release it. */
export interface Database {
  readonly dataSource: DataSource;
  readonly embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL, or starts embedded PGlite and serves it over the PostgreSQL wire
 * protocol on a private Unix socket, so that one driver (`pg`) and one dialect serve both.
 * Runs pending migrations before returning.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const dataSource = dataSourceFor(options.databaseUrl, options.poolSize);
    try {
      await migrated(dataSource);
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      throw error;
    }
    return { dataSource, embedded: false, close: () => dataSource.destroy() };
  }
  return openEmbedded(options.dataDir);
}

async function openEmbedded(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const directory = join(dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  const releaseLock = lockEmbeddedDatabase(directory);
  const resources: (() => Promise<void> | void)[] = [releaseLock];
  const close = async () => {
    for (const release of resources.reverse()) await release();
  };
  try {
    const db = await PGlite.create(directory);
    resources.push(() => db.close());
    // A short private directory: Unix socket paths are limited to about 100 characters.
    const socketDir = mkdtempSync(join(tmpdir(), 'passerelle-pg-'));
    resources.push(() => rmSync(socketDir, { recursive: true, force: true }));
    const server = new PGLiteSocketServer({ db, path: join(socketDir, '.s.PGSQL.5432') });
    await server.start();
    resources.push(() => server.stop());
    // PGlite runs one session at a time: a single pooled connection keeps transactions isolated.
    const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`;
    const dataSource = dataSourceFor(url, 1);
    resources.push(() => (dataSource.isInitialized ? dataSource.destroy() : undefined));
    await migrated(dataSource);
    return { dataSource, embedded: true, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function dataSourceFor(url: string, poolSize: number): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    extra: { max: poolSize },
  });
}

async function migrated(dataSource: DataSource): Promise<DataSource> {
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
