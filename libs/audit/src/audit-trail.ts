import { Inject, Injectable } from '@nestjs/common';
import { AuditOutcome, auditedPrincipal } from './audit-record';
import type { AuditContext } from './audit-context';
import { AUDIT_STORE, AuditEntry, AuditStore } from './ports';
import { currentRequest } from './request-context';
import { WriteUnit, principalLabel } from '@passerelle/domain';

/** The HTTP status a committed change is answered with, on every door. */
const COMMITTED_STATUS = 200;

/** Writes each request's audit entry; a failure to write fails the request (no unaudited access). */
@Injectable()
export class AuditTrail {
  constructor(@Inject(AUDIT_STORE) private readonly store: AuditStore) {}

  async complete(context: AuditContext, httpStatus: number): Promise<void> {
    const entry = this.entryOf(context, httpStatus);
    if (!context.writtenWithChange) await this.store.write(entry);
  }

  /**
   * Stages the audit of a change into the unit that commits it (a transactional outbox): the
   * change, its audit record and the notifications it owes are stored together or not at all.
   * Once the unit has committed, {@link committed} tells the door not to write it again.
   */
  stage(unit: WriteUnit, context: AuditContext): void {
    this.store.stage(unit, this.entryOf(context, COMMITTED_STATUS));
  }

  /**
   * The entry of a read that succeeds, for the store to write in the read's own statement (one
   * round trip less); once it has, {@link committed} tells the door not to write it again.
   */
  entryOfSuccess(context: AuditContext): AuditEntry {
    return this.entryOf(context, COMMITTED_STATUS);
  }

  committed(context: AuditContext): void {
    context.writtenWithChange = true;
  }

  private entryOf(context: AuditContext, httpStatus: number): AuditEntry {
    const outcome = context.outcome ?? outcomeOfStatus(httpStatus);
    const request = currentRequest();
    if (request) {
      request.patientKey = context.patientKey;
      request.principal = context.principal && principalLabel(context.principal);
    }
    const reachedPatient = outcome === 'allowed' && httpStatus < 400;
    return {
      record: {
        id: context.id,
        patientKey: context.patientKey,
        recordedAt: new Date(),
        transaction: context.transaction,
        action: context.action,
        outcome: httpStatus >= 400 && outcome === 'allowed' ? 'failed' : outcome,
        reason: context.reason,
        emergency: context.emergency,
        principal: context.principal && auditedPrincipal(context.principal),
        documents: context.documents,
        httpStatus,
        requestId: request?.requestId,
      },
      notifications: reachedPatient ? context.notifications : [],
      firstAccess:
        reachedPatient && context.patientKey && context.firstAccessBy
          ? { patientKey: context.patientKey, ...context.firstAccessBy }
          : undefined,
    };
  }
}

/** Without a decision noted: refused authentication or access is a denial, other errors fail. */
function outcomeOfStatus(httpStatus: number): AuditOutcome {
  if (httpStatus < 400) return 'allowed';
  return httpStatus === 401 || httpStatus === 403 ? 'denied' : 'failed';
}
