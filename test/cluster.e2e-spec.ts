import { spawnSync } from 'node:child_process';
import { DEFAULT_SCENARIO_OPTIONS, runScenario } from '../bench/cluster/scenarios';

const haproxyInstalled = spawnSync('sh', ['-c', 'command -v haproxy']).status === 0;
const describeWithHaproxy = haproxyInstalled ? describe : describe.skip;
const title = haproxyInstalled
  ? 'three built gateways behind HAProxy, one killed with SIGKILL under load'
  : 'three gateways behind HAProxy — SKIPPED: haproxy is not installed (apt-get install haproxy)';

describeWithHaproxy(title, () => {
  it('loses nothing acknowledged, doubles nothing, audits and notifies each submission once, and routes around the dead node', async () => {
    const report = await runScenario('node-kill', {
      ...DEFAULT_SCENARIO_OPTIONS,
      adminUrl: process.env.PG_ADMIN_URL ?? DEFAULT_SCENARIO_OPTIONS.adminUrl,
      submissions: 36,
      concurrency: 6,
    });
    expect(report).toMatchObject({
      acknowledged: 36,
      found: 36,
      lost: 0,
      duplicates: 0,
      orphans: 0,
      unaudited: 0,
      overAudited: 0,
      notificationsMiscounted: 0,
      notificationsDuplicated: 0,
      searchErrors: 0,
    });
    // A notice the dead node had claimed but not yet marked is held until its lease ends.
    expect(report.notificationsDelivered + report.notificationsPending).toBe(36);
    expect(report.servedAfterFault[report.killed!]).toBeUndefined();
    expect(Object.keys(report.servedAfterFault).sort()).toEqual(['g1', 'g3']);
  }, 120_000);
});
