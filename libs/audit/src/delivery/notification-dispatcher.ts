import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { NOTIFICATION_OUTBOX, NotificationOutbox, PendingNotification } from '../ports';
import { NOTIFICATION_CHANNEL, NotificationChannel } from './notification-channel';

export const DISPATCH_INTERVAL_MS = Symbol('DispatchIntervalMs');

const BATCH = 50;
const MAX_RETRY_DELAY_MS = 6 * 3600_000;

/**
 * Delivers the outbox: due notifications are claimed (several gateways may run this at once),
 * delivered, and marked delivered or retried with exponential backoff. Nothing is dropped. A
 * backlog (a bulk import's new-document notices) drains at the channel's pace: passes follow
 * one another while each delivers a whole batch, instead of one batch an interval.
 */
@Injectable()
export class NotificationDispatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('NotificationDispatcher');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    @Inject(NOTIFICATION_OUTBOX) private readonly outbox: NotificationOutbox,
    @Inject(NOTIFICATION_CHANNEL) private readonly channel: NotificationChannel,
    @Inject(DISPATCH_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the due notifications; returns how many were delivered. */
  async dispatchDue(now = new Date()): Promise<number> {
    const due = await this.outbox.claimDue(BATCH, now);
    let delivered = 0;
    for (const notification of due) {
      if (await this.deliver(notification, now)) delivered += 1;
    }
    return delivered;
  }

  /**
   * Passes over the due notifications until one delivers less than a whole batch (nothing more
   * due, or the channel failing: those wait for their retry) or the gateway stops.
   */
  async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const pass = await this.dispatchDue();
      delivered += pass;
      if (pass < BATCH || this.stopping) return delivered;
    }
  }

  /** Delivers one notification now (a code the account holder is waiting for), not in turn. */
  async dispatchNow(patientKey: string, id: string, now = new Date()): Promise<boolean> {
    const notification = await this.outbox.claim(patientKey, id, now);
    return notification ? this.deliver(notification, now) : false;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn(`Outbox pass failed: ${String(error)}`))
      .finally(() => (this.running = undefined));
    await this.running;
  }

  private async deliver(notification: PendingNotification, now: Date): Promise<boolean> {
    try {
      await this.channel.deliver(notification);
      await this.outbox.markDelivered(notification, new Date());
      return true;
    } catch (error) {
      const delay = Math.min(30_000 * 2 ** notification.attempts, MAX_RETRY_DELAY_MS);
      const reason = error instanceof Error ? error.message : String(error);
      await this.outbox.markFailed(notification, reason, new Date(now.getTime() + delay));
      return false;
    }
  }
}
