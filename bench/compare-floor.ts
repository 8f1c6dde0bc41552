import { FileKeyEncryptionService } from '@passerelle/persistence';
import { DevPki, ensureDevPki } from '@passerelle/platform';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchDatabase, createBenchDatabase } from './bench-database';
import { progress } from './bench-server';
import { Cleanup } from './cleanup';
import { identityFrom } from './fhir-client';
import { Round, compareRounds, failedRequests } from './floor-comparison';
import { FloorComparisonOptions } from './floor-options';
import { FloorKind, FloorProcess } from './floor-process';
import { GatewayProcess } from './gateway-process';
import { LoadSettings, LoadTarget, runMhdLoad } from './mhd-load-run';
import { machine } from './report';

/**
 * `npm run bench -- --compare-floor`: the floor and the gateway, each on its own fresh database,
 * driven alternately by the same neutral load generator (see FLOOR_USAGE).
 */
export async function compareWithFloor(
  options: FloorComparisonOptions,
  cleanup: Cleanup,
): Promise<number> {
  const workDir = mkdtempSync(join(tmpdir(), 'passerelle-floor-'));
  cleanup.add('remove work directory', () => rmSync(workDir, { recursive: true, force: true }));
  const resultsDir = options.resultsDir ?? join(workDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const pki = ensureDevPki(join(workDir, 'gateway', 'pki'));
  const floor = await startFloor('floor', options, pki, workDir, cleanup);
  const auditedFloor = options.auditedFloor
    ? await startFloor('audited-floor', options, pki, workDir, cleanup)
    : undefined;
  const gateway = await startGateway(options, pki, workDir, cleanup);
  const settings: LoadSettings = { ...options, pkiDir: pki.dir };
  const loadAverageAtStart = loadavg()[0];
  const rounds: Round[] = [];
  for (let n = 1; n <= options.rounds; n++) {
    const run = (target: LoadTarget, side: string) => {
      progress(`Round ${n}/${options.rounds}: ${side}`);
      return runMhdLoad(target, settings, join(resultsDir, `round-${n}-${side}.json`));
    };
    rounds.push({
      floor: await run(floor, 'floor'),
      ...(auditedFloor ? { auditedFloor: await run(auditedFloor, 'audited-floor') } : {}),
      gateway: await run(gateway, 'gateway'),
    });
  }
  const failed = failedRequests(rounds);
  const report = {
    machine: { ...machine(), loadAverageAtStart },
    date: new Date().toISOString(),
    config: { ...options, resultsDir: options.resultsDir ?? null },
    failedRequests: failed,
    transactions: compareRounds(rounds),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (failed > 0) progress(`${failed} request(s) failed: failing`);
  return failed > 0 ? 1 : 0;
}

async function startFloor(
  kind: FloorKind,
  options: FloorComparisonOptions,
  pki: DevPki,
  workDir: string,
  cleanup: Cleanup,
): Promise<LoadTarget> {
  const database = await freshDatabase(options, cleanup);
  const floor = await FloorProcess.start(kind, database.url, pki, join(workDir, `${kind}-tls`));
  cleanup.add(`stop ${kind}`, () => floor.stop());
  process.once('exit', () => floor.killNow());
  progress(`${kind} pid ${floor.pid} on ${floor.base}`);
  return {
    base: floor.base,
    serverPid: floor.pid,
    database: database.name,
    createsPatients: false,
  };
}

async function startGateway(
  options: FloorComparisonOptions,
  pki: DevPki,
  workDir: string,
  cleanup: Cleanup,
): Promise<LoadTarget> {
  const database = await freshDatabase(options, cleanup);
  const dataDir = join(workDir, 'gateway');
  const kekFile = join(dataDir, 'keys', 'kek.json');
  FileKeyEncryptionService.open(kekFile, { create: true });
  // The neutral load generator's French profile sends LOINC types outside JDV_J07 (18842-5,
  // 57133-1, 28570-0, 34117-2), refused under strict. Under warn the same checks run (and their
  // warnings are written, audited and answered): the bundles are stored, as the floor stores them.
  const gateway = await GatewayProcess.start({
    dataDir,
    databaseUrl: database.url,
    kekFile,
    valueSetPolicy: 'warn',
    cpuProfDir: options.cpuProfDir,
  });
  cleanup.add('stop gateway', () => gateway.stop());
  process.once('exit', () => gateway.killNow());
  progress(`Gateway pid ${gateway.pid} on ${gateway.origin}, waiting for /health`);
  await gateway.waitUntilHealthy(identityFrom(pki.dir, 'hopital-org').ca);
  return {
    base: `${gateway.origin}/fhir`,
    serverPid: gateway.pid,
    database: database.name,
    createsPatients: true,
  };
}

async function freshDatabase(
  options: FloorComparisonOptions,
  cleanup: Cleanup,
): Promise<BenchDatabase> {
  const database = await createBenchDatabase(options.adminDatabaseUrl);
  progress(`Created database ${database.name}`);
  cleanup.add('drop database', async () => {
    await database.drop();
    progress(`Dropped database ${database.name}`);
  });
  return database;
}
