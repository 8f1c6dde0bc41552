import { Logger } from '@nestjs/common';
import type { PendingNotification } from '../ports';
import { NotificationChannel, subjectOf } from './notification-channel';

/** The default channel: each notification is a structured log line (no delivery service needed). */
export class LogNotificationChannel implements NotificationChannel {
  private readonly logger = new Logger('PatientNotification');

  deliver(notification: PendingNotification): Promise<void> {
    this.logger.log(
      JSON.stringify({
        patient: notification.patientKey,
        kind: notification.kind,
        subject: subjectOf(notification),
        // Codes are secrets of the account holder: never in a log.
        payload: {
          ...notification.payload,
          ...('code' in notification.payload ? { code: '***' } : {}),
        },
      }),
    );
    return Promise.resolve();
  }
}
