import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { Cluster } from './cluster';
import { ProxyClient, type Submission, searchPath } from './load';

/** What a scenario proves: nothing acknowledged lost, nothing doubled, everything audited once. */
export interface ClusterFigures {
  readonly submissions: number;
  readonly acknowledged: number;
  /** Acknowledged submissions whose document ITI-67 finds, through the proxy. */
  readonly found: number;
  /** Acknowledged but not found, or not in the database. */
  readonly lost: number;
  /** Extra rows: a document or a submission set stored more than once. */
  readonly duplicates: number;
  /** Content without its metadata, or metadata whose content is missing. */
  readonly orphans: number;
  /** Stored submissions without an allowed ITI-65 audit record. */
  readonly unaudited: number;
  /** Stored submissions with more audit records than requests sent for them. */
  readonly overAudited: number;
  /** Stored submissions whose patient is owed other than exactly one new-document notice. */
  readonly notificationsMiscounted: number;
  /** New-document notices marked delivered and written exactly once, over the three nodes. */
  readonly notificationsDelivered: number;
  /** Notices written more than once. */
  readonly notificationsDuplicated: number;
  /** Notices still held (claimed by a node that died, due again when their lease ends). */
  readonly notificationsPending: number;
  readonly retries: number;
  readonly searches: number;
  readonly searchErrors: number;
  /** Refused with a 4xx, or never answered: not acknowledged, so not owed. */
  readonly refused: number;
}

const DRAIN_TIMEOUT_MS = 20_000;

export async function verifyCluster(
  cluster: Cluster,
  submissions: readonly Submission[],
  load: { retries: number; searches: number; searchErrors: number },
): Promise<ClusterFigures> {
  const database = new Client({ connectionString: cluster.database.url });
  await database.connect();
  try {
    await drainOutbox(database);
    const stored = await storedSubmissions(database);
    const found = await foundByIti67(cluster, submissions);
    const acknowledged = submissions.filter((submission) => submission.acknowledged);
    const deliveries = deliveriesById(cluster);
    const committed = submissions.filter((submission) => stored.has(submission.nir));
    const facts = committed.map((submission) => ({
      submission,
      row: stored.get(submission.nir)!,
    }));
    const notices = facts.flatMap(({ row }) => row.notices);
    return {
      submissions: submissions.length,
      acknowledged: acknowledged.length,
      found: acknowledged.filter((submission) => found.has(submission.nir)).length,
      lost: acknowledged.filter((s) => !found.has(s.nir) || !stored.has(s.nir)).length,
      duplicates: await duplicateRows(database),
      orphans: await orphanRows(database),
      unaudited: facts.filter(({ row }) => row.audits === 0).length,
      overAudited: facts.filter(({ submission, row }) => row.audits > submission.attempts).length,
      notificationsMiscounted: facts.filter(({ row }) => row.notices.length !== 1).length,
      notificationsDelivered: notices.filter((n) => n.delivered && deliveries.get(n.id) === 1)
        .length,
      notificationsDuplicated: notices.filter((n) => (deliveries.get(n.id) ?? 0) > 1).length,
      notificationsPending: notices.filter((n) => !n.delivered).length,
      ...load,
      refused: submissions.filter((submission) => !submission.acknowledged).length,
    };
  } finally {
    await database.end();
  }
}

interface StoredSubmission {
  readonly audits: number;
  readonly notices: readonly { id: string; delivered: boolean }[];
}

/** By patient (one submission each): its allowed ITI-65 audits and its new-document notices. */
async function storedSubmissions(database: Client): Promise<Map<string, StoredSubmission>> {
  const { rows } = await database.query<{
    nir: string;
    audits: number;
    notices: { id: string; delivered: boolean }[] | null;
  }>(
    `SELECT r.ins_value AS nir,
       (SELECT count(*)::int FROM audit_event a WHERE a.patient_key = r.patient_key
          AND a.transaction = 'ITI-65' AND a.outcome = 'allowed') AS audits,
       (SELECT json_agg(json_build_object('id', o.id, 'delivered', o.delivered_at IS NOT NULL))
          FROM notification_outbox o
          WHERE o.patient_key = r.patient_key AND o.kind = 'new-document') AS notices
     FROM patient_record r
     WHERE EXISTS (SELECT 1 FROM submission_set s WHERE s.patient_key = r.patient_key)`,
  );
  return new Map(rows.map((row) => [row.nir, { audits: row.audits, notices: row.notices ?? [] }]));
}

async function duplicateRows(database: Client): Promise<number> {
  const { rows } = await database.query<{ extra: number }>(
    `SELECT (SELECT coalesce(sum(n - 1), 0)::int FROM
               (SELECT count(*) AS n FROM document_entry GROUP BY unique_id) d)
          + (SELECT coalesce(sum(n - 1), 0)::int FROM
               (SELECT count(*) AS n FROM submission_set GROUP BY unique_id) s) AS extra`,
  );
  return rows[0].extra;
}

async function orphanRows(database: Client): Promise<number> {
  const { rows } = await database.query<{ orphans: number }>(
    `SELECT (SELECT count(*)::int FROM document_content c WHERE NOT EXISTS
               (SELECT 1 FROM document_entry e
                WHERE e.patient_key = c.patient_key AND e.content_id = c.content_id))
          + (SELECT count(*)::int FROM document_entry e WHERE e.content_id IS NULL OR NOT EXISTS
               (SELECT 1 FROM document_content c
                WHERE c.patient_key = e.patient_key AND c.content_id = e.content_id))
          + (SELECT count(*)::int FROM submission_set s WHERE NOT EXISTS
               (SELECT 1 FROM document_entry e WHERE e.patient_key = s.patient_key))
       AS orphans`,
  );
  return rows[0].orphans;
}

/** Waits until no notice is due, or the time is up (a notice claimed by a dead node stays held). */
async function drainOutbox(database: Client): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { rows } = await database.query<{ due: number }>(
      `SELECT count(*)::int AS due FROM notification_outbox
       WHERE delivered_at IS NULL AND next_attempt_at <= now()`,
    );
    if (rows[0].due === 0) return;
    await sleep(250);
  }
}

/** The patients whose ITI-67 search, as Dr MARTIN through the proxy, finds their one document. */
async function foundByIti67(
  cluster: Cluster,
  submissions: readonly Submission[],
): Promise<Set<string>> {
  const doctor = new ProxyClient(cluster, 'medecin-generaliste', 4);
  const found = new Set<string>();
  try {
    for (const submission of submissions) {
      const answer = await doctor.send('GET', searchPath(submission.nir));
      const bundle = JSON.parse(answer.text) as {
        entry?: { resource: { masterIdentifier?: { value?: string } } }[];
      };
      const identifiers = (bundle.entry ?? []).map((e) => e.resource.masterIdentifier?.value);
      if (identifiers.length === 1 && identifiers[0] === `urn:oid:${submission.documentOid}`) {
        found.add(submission.nir);
      }
    }
  } finally {
    await doctor.close();
  }
  return found;
}

/** How many times each notice was written, over every node's file outbox (`…-<id>.json`). */
function deliveriesById(cluster: Cluster): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of cluster.nodes) {
    for (const file of readdirSync(node.outboxDir)) {
      const match = /-([0-9a-f-]{36})\.json$/.exec(file);
      if (match) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
    }
  }
  return counts;
}
