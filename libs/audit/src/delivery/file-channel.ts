import { PatientId } from '@passerelle/domain';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PendingNotification } from '../ports';
import { NotificationChannel, bodyOf } from './notification-channel';

/**
 * Development delivery (`NOTIFY_CHANNEL=file:<dir>`, DESIGN §9): one JSON file per notification,
 * `{ to, kind, patient, code?, text, createdAt }`, so that a developer — or a test — reads the
 * activation and one-time codes without a mail server. Written whole, then renamed into place.
 */
export class FileNotificationChannel implements NotificationChannel {
  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  deliver(notification: PendingNotification): Promise<void> {
    const code = notification.payload.code;
    const message = {
      to: notification.recipient ?? null,
      kind: notification.kind,
      patient: PatientId.fromCx(notification.patientKey).resourceId,
      ...(typeof code === 'string' ? { code } : {}),
      text: bodyOf(notification),
      createdAt: notification.createdAt.toISOString(),
    };
    const name = `${notification.createdAt.toISOString().replace(/[:.]/g, '-')}-${notification.id}`;
    const partial = join(this.directory, `.${name}.json.partial`);
    writeFileSync(partial, `${JSON.stringify(message, null, 2)}\n`, { mode: 0o600 });
    renameSync(partial, join(this.directory, `${name}.json`));
    return Promise.resolve();
  }
}
