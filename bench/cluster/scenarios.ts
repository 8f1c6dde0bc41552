import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { type Cluster, startCluster } from './cluster';
import { type LoadResult, runLoad } from './load';
import { type ClusterFigures, verifyCluster } from './verify';

export type ScenarioName = 'node-kill' | 'database-cut';

export interface ScenarioOptions {
  readonly adminUrl: string;
  readonly submissions: number;
  readonly concurrency: number;
  /** database-cut: how long every connection of the gateways is terminated as soon as made. */
  readonly cutMs: number;
}

export interface ScenarioReport extends ClusterFigures {
  readonly scenario: ScenarioName;
  readonly durationMs: number;
  /** Requests sent after the fault began, by the node that answered (X-Served-By). */
  readonly servedAfterFault: Readonly<Record<string, number>>;
  /** node-kill: the node killed. */
  readonly killed?: string;
}

export const DEFAULT_SCENARIO_OPTIONS: ScenarioOptions = {
  adminUrl: process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  submissions: 300,
  concurrency: 8,
  cutMs: 4000,
};

/**
 * Three gateways behind HAProxy on a fresh database under mixed load; a third of the way in,
 * one gateway is killed with SIGKILL (node-kill) or the database drops every connection of the
 * gateways for `cutMs` (database-cut); then what was acknowledged is checked.
 */
export async function runScenario(
  scenario: ScenarioName,
  options: ScenarioOptions = DEFAULT_SCENARIO_OPTIONS,
): Promise<ScenarioReport> {
  const workDir = mkdtempSync(join(tmpdir(), `passerelle-${scenario}-`));
  const started = Date.now();
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster(workDir, options.adminUrl);
    const running = cluster;
    const victim = running.nodes[1];
    const load: LoadResult = await runLoad(running, {
      submissions: options.submissions,
      concurrency: options.concurrency,
      faultAfter: Math.floor(options.submissions / 3),
      fault:
        scenario === 'node-kill'
          ? () => running.kill(victim)
          : () => cutDatabase(options.adminUrl, running.database.name, options.cutMs),
    });
    const figures = await verifyCluster(running, load.submissions, {
      retries: load.retries,
      searches: load.searches,
      searchErrors: load.searchErrors,
    });
    return {
      scenario,
      ...figures,
      durationMs: Date.now() - started,
      servedAfterFault: load.servedAfterFault,
      ...(scenario === 'node-kill' ? { killed: victim.name } : {}),
    };
  } finally {
    await cluster?.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Terminates every backend of the database, again and again, for `cutMs`. */
async function cutDatabase(adminUrl: string, name: string, cutMs: number): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const end = Date.now() + cutMs;
    while (Date.now() < end) {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [name],
      );
      await sleep(50);
    }
  } finally {
    await admin.end();
  }
}
