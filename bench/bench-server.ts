import { FileKeyEncryptionService } from '@passerelle/persistence';
import { ensureDevPki } from '@passerelle/platform';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase, redactedUrl } from './bench-database';
import { Cleanup } from './cleanup';
import { identityFrom } from './fhir-client';
import { GatewayProcess } from './gateway-process';
import { MemoryReport, MemorySampler, MemoryWindow, UNSAMPLED } from './memory-sampler';
import { BenchOptions } from './options';
import { processCpuSeconds } from './process-cpu';

/** The gateway under test, spawned by the bench or already running (--target). */
export interface BenchServer {
  readonly origin: string;
  /** The HL7v2 door's MLLP port; absent with --target unless --mllp-port says it. */
  readonly mllpPort?: number;
  readonly pkiDir: string;
  /** Where the data goes, for the report (no password). */
  readonly database: string;
  /** The database itself, for the phases measured in process (absent with --target). */
  readonly databaseUrl?: string;
  /** The gateway's key-encryption keys, to open its database (absent with --target). */
  readonly kekFile?: string;
  /** Where the gateway writes its notifications as files; absent when unknown (no codes). */
  readonly outboxDir?: string;
  /** CPU seconds used so far by the gateway; null when it is not our child. */
  cpuSeconds(): number | null;
  /** Starts tracking the gateway's peak memory over a phase. */
  memoryWindow(): MemoryWindow;
  /** Stops sampling the gateway's memory; nulls when it is not our child. */
  stopSampling(): MemoryReport;
}

export async function prepareServer(options: BenchOptions, cleanup: Cleanup): Promise<BenchServer> {
  if (options.target) {
    return {
      origin: options.target,
      mllpPort: options.mllpPort,
      pkiDir: options.pki!,
      database: '(target)',
      outboxDir: options.outbox,
      cpuSeconds: () => null,
      memoryWindow: () => UNSAMPLED,
      stopSampling: () => ({ startRssMB: null, peakRssMB: null, finalRssMB: null }),
    };
  }
  return spawnGateway(options, cleanup);
}

async function spawnGateway(options: BenchOptions, cleanup: Cleanup): Promise<BenchServer> {
  const dataDir = temporaryDataDir(options, cleanup);
  const databaseUrl = options.databaseUrl ?? (await freshDatabase(options, cleanup));
  // Issued here so that the bench knows the files; the gateway finds and reuses them.
  const pki = ensureDevPki(join(dataDir, 'pki'));
  const outboxDir = options.patientChannel ? join(dataDir, 'outbox') : undefined;
  const kekFile = join(dataDir, 'keys', 'kek.json');
  FileKeyEncryptionService.open(kekFile, { create: true });
  const gateway = await GatewayProcess.start({
    dataDir,
    databaseUrl,
    kekFile,
    cpuProfDir: options.cpuProfDir,
    outboxDir,
  });
  cleanup.add('stop gateway', () => gateway.stop());
  process.once('exit', () => gateway.killNow());
  progress(`Gateway pid ${gateway.pid} on ${gateway.origin}, waiting for /health`);
  await gateway.waitUntilHealthy(identityFrom(pki.dir, 'hopital-org').ca);
  const sampler = new MemorySampler(gateway.pid);
  return {
    origin: gateway.origin,
    mllpPort: gateway.mllpPort,
    pkiDir: pki.dir,
    database: redactedUrl(databaseUrl),
    databaseUrl,
    kekFile,
    outboxDir,
    cpuSeconds: () => processCpuSeconds(gateway.pid),
    memoryWindow: () => sampler.window(),
    stopSampling: () => sampler.stop(),
  };
}

function temporaryDataDir(options: BenchOptions, cleanup: Cleanup): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-bench-'));
  cleanup.add('remove data directory', () => {
    if (options.keep) progress(`Kept data directory ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  });
  return dataDir;
}

async function freshDatabase(options: BenchOptions, cleanup: Cleanup): Promise<string> {
  const database = await createBenchDatabase(options.adminDatabaseUrl);
  progress(`Created database ${database.name}`);
  cleanup.add('drop database', async () => {
    if (options.keep) return progress(`Kept database ${database.name}`);
    await database.drop();
    progress(`Dropped database ${database.name}`);
  });
  return database.url;
}

export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
