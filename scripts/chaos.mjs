// `npm run chaos`: three built gateways behind HAProxy on a fresh PostgreSQL database, under
// mixed load, first losing a node to SIGKILL, then losing the database for a few seconds; prints
// each scenario's figures as JSON (bench/cluster). Needs haproxy and PostgreSQL on 127.0.0.1:5432
// (PG_ADMIN_URL to use another server).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { runScenario } = require('../dist/apps/gateway/bench/cluster/scenarios.js');

const reports = [];
for (const scenario of ['node-kill', 'database-cut']) {
  process.stderr.write(`chaos: ${scenario}…\n`);
  reports.push(await runScenario(scenario));
}
process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
const failed = reports.some(
  (report) =>
    report.acknowledged !== report.found ||
    report.lost +
      report.duplicates +
      report.orphans +
      report.unaudited +
      report.overAudited +
      report.notificationsMiscounted +
      report.notificationsDuplicated >
      0,
);
process.exitCode = failed ? 1 : 0;
