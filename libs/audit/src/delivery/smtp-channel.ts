import { createTransport, Transporter } from 'nodemailer';
import type { PendingNotification } from '../ports';
import { NotificationChannel, bodyOf, subjectOf } from './notification-channel';

/** E-mail to the address the patient gave when the record was opened, through nodemailer. */
export class SmtpNotificationChannel implements NotificationChannel {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = createTransport(smtpUrl);
  }

  async deliver(notification: PendingNotification): Promise<void> {
    if (!notification.recipient) {
      throw new Error('The patient has given no e-mail address');
    }
    await this.transport.sendMail({
      from: this.from,
      to: notification.recipient,
      subject: subjectOf(notification),
      text: bodyOf(notification),
    });
  }
}
