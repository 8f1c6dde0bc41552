import { Inject, Injectable } from '@nestjs/common';
import {
  AuditContext,
  AuditTrail,
  NOTIFICATION_OUTBOX,
  NotificationDispatcher,
} from '@passerelle/audit';
import type { NotificationOutbox } from '@passerelle/audit';
import { randomUUID } from 'node:crypto';
import { LOGIN_THROTTLE, LoginThrottle, ThrottleRule } from '../ports';

/** Wrong passwords, codes or activation codes for one username: 5 in 15 minutes lock it 15. */
export const USERNAME_RULE: ThrottleRule = { maxFailures: 5, windowSeconds: 900, lockSeconds: 900 };
/** From one address, whatever the usernames tried. */
export const ADDRESS_RULE: ThrottleRule = { maxFailures: 20, windowSeconds: 900, lockSeconds: 900 };
/** Codes sent to one account: 5 in 15 minutes. */
export const CODES_SENT_RULE: ThrottleRule = {
  maxFailures: 5,
  windowSeconds: 900,
  lockSeconds: 900,
};

/** A refusal shown on the form: the message, and the HTTP status of the page. */
export class ChannelRefusal extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 | 429,
  ) {
    super(message);
  }
}

const time = (date: Date) =>
  date.toLocaleTimeString('fr-FR', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Paris',
  });

/**
 * What login and enrolment share: brute-force throttling per username and per address (the
 * same answer whether the account exists), the audit of every attempt, and the delivery of
 * codes through the notification channel, at once.
 */
@Injectable()
export class ChannelSecurity {
  constructor(
    @Inject(LOGIN_THROTTLE) private readonly throttle: LoginThrottle,
    @Inject(NOTIFICATION_OUTBOX) private readonly outbox: NotificationOutbox,
    private readonly dispatcher: NotificationDispatcher,
    private readonly auditTrail: AuditTrail,
  ) {}

  async refuseIfLocked(username: string, address: string, now: Date): Promise<void> {
    const addressLock = await this.throttle.lockedUntil(`address:${address}`, now);
    if (addressLock) {
      throw new ChannelRefusal(
        `Trop de tentatives depuis votre adresse. Réessayez après ${time(addressLock)}.`,
        429,
      );
    }
    const usernameLock = await this.throttle.lockedUntil(`username:${username}`, now);
    if (usernameLock) throw lockedAccount(usernameLock);
  }

  /** Counts a failure; throws the lock message when it locks the username. */
  async failed(username: string, address: string, now: Date): Promise<void> {
    await this.throttle.recordFailure(`address:${address}`, now, ADDRESS_RULE);
    const locked = await this.throttle.recordFailure(`username:${username}`, now, USERNAME_RULE);
    if (locked) throw lockedAccount(locked);
  }

  succeeded(username: string): Promise<void> {
    return this.throttle.reset(`username:${username}`);
  }

  /** Sends a code to the account holder now (not at the outbox's next pass). */
  async sendCode(
    accountId: string,
    message: { patientKey: string; recipient: string; kind: 'activation-code' | 'one-time-code' },
    code: string,
    validity: string,
    now: Date,
  ): Promise<void> {
    const tooMany = await this.throttle.recordFailure(`codes:${accountId}`, now, CODES_SENT_RULE);
    if (tooMany) {
      throw new ChannelRefusal(`Trop de codes demandés. Réessayez après ${time(tooMany)}.`, 429);
    }
    const id = randomUUID();
    await this.outbox.enqueue({
      id,
      patientKey: message.patientKey,
      kind: message.kind,
      recipient: message.recipient,
      payload: { code, validity },
      createdAt: now,
    });
    await this.dispatcher.dispatchNow(message.patientKey, id, now);
  }

  /** Every attempt is in the audit trail, and in the patient's access history when known. */
  async audit(
    transaction: 'patient-login' | 'patient-enrolment',
    patientKey: string | undefined,
    result: { allowed: true } | { allowed: false; reason: string },
    status: number,
  ): Promise<void> {
    const audit = new AuditContext(transaction, 'authenticate');
    audit.patientKey = patientKey;
    if (result.allowed) audit.allowed(false);
    else audit.denied(result.reason);
    await this.auditTrail.complete(audit, status);
  }
}

function lockedAccount(until: Date): ChannelRefusal {
  return new ChannelRefusal(
    `Trop d’échecs : ce compte est verrouillé jusqu’à ${time(until)}. Vous pourrez réessayer ensuite.`,
    429,
  );
}
