import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './floor-process';

/** One phase of bench/neutral/mhd-load.mjs's JSON result, as far as the comparison reads it. */
export interface LoadPhase {
  readonly name: string;
  readonly requests: number;
  readonly ok: number;
  readonly throughputPerSec: number;
  readonly latencyMs: { readonly p50: number | null; readonly p99: number | null };
  readonly resources: {
    readonly cpuMsPerOk: { readonly server: number | null; readonly postgres: number | null };
    readonly loadavgBefore: readonly number[];
  };
}

export interface LoadTarget {
  /** FHIR base URL. */
  readonly base: string;
  readonly serverPid: number;
  readonly database: string;
  /** The gateway opens a record per INS (conditional create); the floor takes any reference. */
  readonly createsPatients: boolean;
}

export interface LoadSettings {
  readonly pkiDir: string;
  readonly patients: number;
  readonly bundles: number;
  readonly searches: number;
  readonly reads: number;
  readonly concurrency: number;
  readonly docSize: number;
}

/**
 * One run of the neutral load generator: records, ITI-65 bundles, ITI-67 searches by patient and
 * by type, ITI-68 reads, with the server's and its PostgreSQL backends' CPU per operation.
 */
export async function runMhdLoad(
  target: LoadTarget,
  settings: LoadSettings,
  out: string,
): Promise<LoadPhase[]> {
  const pem = (name: string) => join(settings.pkiDir, name);
  const args = [
    join(REPOSITORY_ROOT, 'bench/neutral/mhd-load.mjs'),
    ['--base', target.base],
    ['--ca', pem('ca.pem')],
    ['--cert', pem('medecin-generaliste.pem'), '--key', pem('medecin-generaliste-key.pem')],
    ['--ingest-cert', pem('hopital-org.pem'), '--ingest-key', pem('hopital-org-key.pem')],
    target.createsPatients ? ['--patient-model', 'ins'] : ['--no-create-patients'],
    ['--bundle-profile', 'fr', '--binary-bytes', String(settings.docSize)],
    ['--patients', String(settings.patients), '--docs', String(settings.bundles)],
    ['--concurrency', String(settings.concurrency)],
    ['--searches', String(settings.searches)],
    ['--search-concurrency', String(settings.concurrency)],
    ['--retrieves', String(settings.reads)],
    ['--retrieve-concurrency', String(settings.concurrency)],
    ['--server-pid', String(target.serverPid), '--pg-db', target.database],
    ['--out', out, '--quiet'],
  ].flat();
  const code = await new Promise<number | null>((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 2] });
    child.once('error', fail);
    child.once('exit', done);
  });
  const result = JSON.parse(readFileSync(out, 'utf8')) as { phases: LoadPhase[]; fatal?: string };
  if (code !== 0 || result.fatal) {
    throw new Error(`mhd-load failed on ${target.base} (exit ${code}): ${result.fatal ?? ''}`);
  }
  return result.phases;
}
