import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { lockEmbeddedDatabase } from './embedded-lock';
import type { KeyEncryptionService } from './encryption/key-encryption-service';
import { PatientDataKeys } from './encryption/patient-data-keys';
import { migrations } from './migrations';
import { surviveServerEndedConnections } from './server-ended-connections';
import { PreparingClient } from './prepared-statements';
import { privateSocketDirectory } from './socket-directory';

export interface DatabaseOptions {
  /** PostgreSQL connection string; absent: embedded PGlite under `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly poolSize: number;
  /** Wraps the patients' data keys, which encrypt document content at rest. */
  readonly keyEncryption: KeyEncryptionService;
}

/** An open, migrated database and how to release it. */
export interface Database {
  readonly dataSource: DataSource;
  readonly embedded: boolean;
  readonly dataKeys: PatientDataKeys;
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL, or starts embedded PGlite and serves it over the PostgreSQL wire
 * protocol on a private Unix socket, so that one driver (`pg`) and one dialect serve both.
 * Runs pending migrations before returning.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const dataKeys = new PatientDataKeys(options.keyEncryption);
  if (options.databaseUrl) {
    const dataSource = dataSourceFor(options.databaseUrl, options.poolSize, dataKeys);
    try {
      await migrated(dataSource, dataKeys);
      surviveServerEndedConnections(dataSource);
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      throw error;
    }
    return { dataSource, embedded: false, dataKeys, close: () => dataSource.destroy() };
  }
  return openEmbedded(options, dataKeys);
}

const EMBEDDED_START_PARAMS = ['-c', 'shared_buffers=16MB'];

/**
 * V8 recompiles the hot functions of a WebAssembly module with its optimising compiler (TurboFan)
 * beside their baseline code (Liftoff): for PGlite's Postgres module about 70 MB more resident at
 * start, a speed an embedded trial database does not need (a PostgreSQL server is unaffected). V8
 * reads the flag when it compiles a module, hence set before PGlite is first imported here, and
 * given on the command line of the initdb process. (`--no-wasm-tier-up` saved next to nothing.)
 */
const WASM_BASELINE_ONLY = '--liftoff-only';

async function openEmbedded(
  { dataDir }: DatabaseOptions,
  dataKeys: PatientDataKeys,
): Promise<Database> {
  setFlagsFromString(WASM_BASELINE_ONLY);
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
    // The embedded default serves one developer's trial: PostgreSQL's default 128 MB of shared
    // buffers were a third of the gateway's memory at start (390 MB RSS; about 255 MB with 16 MB).
    if (!existsSync(join(directory, 'PG_VERSION'))) await createClusterApart(directory);
    const db = await PGlite.create(directory, {
      startParams: [...PGlite.defaultStartParams, ...EMBEDDED_START_PARAMS],
    });
    resources.push(() => db.close());
    const socketDir = privateSocketDirectory(dataDir);
    resources.push(() => rmSync(socketDir, { recursive: true, force: true }));
    const server = new PGLiteSocketServer({ db, path: join(socketDir, '.s.PGSQL.5432') });
    await server.start();
    resources.push(() => server.stop());
    // PGlite runs one session at a time: a single pooled connection keeps transactions isolated.
    const url = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`;
    const dataSource = dataSourceFor(url, 1, dataKeys);
    resources.push(() => (dataSource.isInitialized ? dataSource.destroy() : undefined));
    await migrated(dataSource, dataKeys);
    return { dataSource, embedded: true, dataKeys, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The first start creates the cluster (initdb, in WebAssembly) in a short-lived process of its
 * own: its peak memory (about 670 MB) is then given back, instead of staying with the gateway.
 */
async function createClusterApart(directory: string): Promise<void> {
  const pglite = pathToFileURL(require.resolve('@electric-sql/pglite')).href;
  const script = [
    `const { PGlite } = await import(${JSON.stringify(pglite)});`,
    `const db = await PGlite.create(${JSON.stringify(directory)}, {`,
    `  startParams: [...PGlite.defaultStartParams, ...${JSON.stringify(EMBEDDED_START_PARAMS)}],`,
    `});`,
    `await db.close();`,
  ].join('\n');
  await promisify(execFile)(process.execPath, [
    WASM_BASELINE_ONLY,
    '--input-type=module',
    '-e',
    script,
  ]);
}

const CONNECT_TIMEOUT_MS = 5000;

function dataSourceFor(url: string, poolSize: number, dataKeys: PatientDataKeys): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: migrations(dataKeys),
    migrationsRun: false,
    synchronize: false,
    // A database out of reach fails a request within seconds (a retryable 503), instead of
    // holding it; the pool opens new connections as it comes back.
    extra: {
      max: poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      Client: PreparingClient,
    },
  });
}

/**
 * Runs the pending migrations. A node given another key file than the one the database's keys
 * were wrapped with stops here, instead of failing on every read (or wrapping new keys with a
 * KEK the other nodes lack).
 */
async function migrated(dataSource: DataSource, dataKeys: PatientDataKeys): Promise<DataSource> {
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const unknown = await dataKeys.unknownKeks(dataSource);
  if (unknown.length > 0) {
    const named = unknown.map(({ kekId, dataKeys: n }) => `${kekId} (${n} data keys)`).join(', ');
    throw new Error(
      `The database holds data keys wrapped by key-encryption keys not in the key file: ${named}`,
    );
  }
  return dataSource;
}
