import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { testKekFile } from './test-database';

const CLI = join(__dirname, '../../dist/apps/cli/apps/cli/src/main.js');

/** Runs the built operator CLI against the run's PostgreSQL database. */
export function passerelle(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: process.env.PASSERELLE_TEST_DATABASE_URL,
      KEK_FILE: testKekFile(),
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
