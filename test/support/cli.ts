import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { testKekFile } from './test-database';

const CLI = join(__dirname, '../../dist/apps/cli/apps/cli/src/main.js');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function cliEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    DATABASE_URL: process.env.PASSERELLE_TEST_DATABASE_URL,
    KEK_FILE: testKekFile(),
  };
}

/** Runs the built operator CLI against the run's PostgreSQL database. */
export function passerelle(...args: string[]): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: cliEnvironment(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The same, without blocking the event loop: a test gateway in this process keeps serving (and
 * keeps its idle connections' timers honest) while a long CLI run goes on.
 */
export function passerelleInBackground(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: cliEnvironment(), encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? null : 0;
        resolve({ status: code, stdout, stderr });
      },
    );
  });
}
