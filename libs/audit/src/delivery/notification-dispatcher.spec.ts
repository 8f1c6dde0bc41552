import type { NotificationOutbox, PendingNotification } from '../ports';
import type { NotificationChannel } from './notification-channel';
import { NotificationDispatcher } from './notification-dispatcher';

/** An outbox of `count` due notices, claimed in order, each claim holding what it took. */
function outboxOf(count: number) {
  const due: PendingNotification[] = Array.from({ length: count }, (_, index) => ({
    patientKey: 'p',
    id: `n${index}`,
    kind: 'new-document',
    payload: {},
    createdAt: new Date(0),
    attempts: 0,
  }));
  const claims: number[] = [];
  const delivered: string[] = [];
  const failed: string[] = [];
  const outbox: NotificationOutbox = {
    enqueue: () => Promise.resolve(),
    claim: () => Promise.resolve(undefined),
    claimDue: (limit) => {
      const taken = due.splice(0, limit);
      claims.push(taken.length);
      return Promise.resolve(taken);
    },
    markDelivered: (notification) => {
      delivered.push(notification.id);
      return Promise.resolve();
    },
    markFailed: (notification) => {
      failed.push(notification.id);
      return Promise.resolve();
    },
  };
  return { outbox, claims, delivered, failed };
}

const reaching: NotificationChannel = { deliver: () => Promise.resolve() };

describe('NotificationDispatcher.drain', () => {
  it('delivers a backlog in passes that follow one another, not one batch an interval', async () => {
    const { outbox, claims, delivered } = outboxOf(120);
    const dispatcher = new NotificationDispatcher(outbox, reaching, 60_000);
    expect(await dispatcher.drain()).toBe(120);
    expect(claims).toEqual([50, 50, 20]);
    expect(delivered).toHaveLength(120);
  });

  it('stops after a pass the channel failed: the notices wait for their retry', async () => {
    const { outbox, claims, failed } = outboxOf(120);
    const down: NotificationChannel = { deliver: () => Promise.reject(new Error('SMTP down')) };
    const dispatcher = new NotificationDispatcher(outbox, down, 60_000);
    expect(await dispatcher.drain()).toBe(0);
    expect(claims).toEqual([50]);
    expect(failed).toHaveLength(50);
  });

  it('stops passing once the gateway shuts down', async () => {
    const { outbox, claims } = outboxOf(500);
    const running: { dispatcher?: NotificationDispatcher } = {};
    let deliveries = 0;
    const stoppingMidway: NotificationChannel = {
      deliver: async () => {
        deliveries += 1;
        if (deliveries === 60) await running.dispatcher?.onApplicationShutdown();
      },
    };
    running.dispatcher = new NotificationDispatcher(outbox, stoppingMidway, 60_000);
    await running.dispatcher.drain();
    expect(claims).toEqual([50, 50]);
  });
});
