import { Inject, Injectable } from '@nestjs/common';
import type { AuditEntry, AuditedPrincipal } from '@passerelle/audit';
import { randomUUID } from 'node:crypto';
import { lifecycleNotice } from '../record-lifecycle/lifecycle-step';
import { LIFECYCLE_JOB_STORE, LifecycleJobStore, PurgeReport } from '../ports';

const SYSTEM: AuditedPrincipal = {
  kind: 'SYSTEM',
  subjectId: 'passerelle-lifecycle',
  name: 'Passerelle (étapes planifiées du dossier)',
  authenticationMode: 'SYSTEM',
  purposeOfUse: 'normal',
};

/** What one pass did. */
export interface LifecyclePass {
  /** Pending records opened: their opposition period is over. */
  readonly activated: readonly string[];
  readonly purged: readonly PurgeReport[];
}

/**
 * The time-based steps of the lifecycle, as of `now`: a pending record whose six weeks of
 * opposition are over is opened; a record closed ten years ago, or whose deletion is due, is
 * purged. Each record is stepped in its own transactions with its audit, claimed so that passes
 * running at once on several nodes share the records and step each once; a pass stopped half-way
 * is finished by the next; a record already stepped is no longer due.
 */
@Injectable()
export class LifecycleJobs {
  constructor(@Inject(LIFECYCLE_JOB_STORE) private readonly store: LifecycleJobStore) {}

  async runDue(now: Date): Promise<LifecyclePass> {
    const activated: string[] = [];
    for (;;) {
      const patientKey = await this.store.activateOneDue(now, (key) => activationAudit(key, now));
      if (!patientKey) break;
      activated.push(patientKey);
    }
    const purged: PurgeReport[] = [];
    for (;;) {
      const report = await this.store.purgeOneDue(now, (done) => purgeAudit(done, now));
      if (!report) break;
      purged.push(report);
    }
    return { activated, purged };
  }
}

function systemRecord(patientKey: string, transaction: string, now: Date, reason?: string) {
  return {
    id: randomUUID(),
    patientKey,
    recordedAt: now,
    transaction,
    action: 'record.lifecycle',
    outcome: 'allowed' as const,
    reason,
    emergency: false,
    principal: SYSTEM,
    documents: [],
    httpStatus: 200,
  };
}

function activationAudit(patientKey: string, now: Date): AuditEntry {
  return {
    record: systemRecord(patientKey, 'record-activate', now),
    notifications: [
      {
        id: randomUUID(),
        patientKey,
        kind: 'record-status',
        payload: lifecycleNotice('activate', { status: 'open' }),
        createdAt: now,
      },
    ],
  };
}

/**
 * What remains of a purged record besides its tombstone: this record of the purge, without
 * medical content (its cause, how many documents, whether a data key was destroyed). Nobody is
 * notified: the patient's address is gone with the rest; he was told the date beforehand.
 */
function purgeAudit(report: PurgeReport, now: Date): AuditEntry {
  const reason =
    `${report.cause}; ${report.documents} documents deleted; ` +
    (report.dataKeyDestroyed ? 'data key destroyed' : 'no data key');
  return {
    record: systemRecord(report.patientKey, 'record-purge', now, reason),
    notifications: [],
  };
}
