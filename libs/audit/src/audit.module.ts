import { DynamicModule, Global, Module } from '@nestjs/common';
import { AuditTrail } from './audit-trail';
import { LogNotificationChannel } from './delivery/log-channel';
import { NOTIFICATION_CHANNEL } from './delivery/notification-channel';
import { DISPATCH_INTERVAL_MS, NotificationDispatcher } from './delivery/notification-dispatcher';
import { SmtpNotificationChannel } from './delivery/smtp-channel';

export interface AuditOptions {
  /** smtp://… to e-mail patients; absent: notifications are logged. */
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly dispatchIntervalMs: number;
}

/** The audit trail and the delivery of patient notifications; stores come from persistence. */
@Global()
@Module({})
export class AuditModule {
  static forRoot(options: AuditOptions): DynamicModule {
    return {
      module: AuditModule,
      providers: [
        AuditTrail,
        {
          provide: NOTIFICATION_CHANNEL,
          useFactory: () =>
            options.smtpUrl
              ? new SmtpNotificationChannel(options.smtpUrl, options.mailFrom)
              : new LogNotificationChannel(),
        },
        { provide: DISPATCH_INTERVAL_MS, useValue: options.dispatchIntervalMs },
        NotificationDispatcher,
      ],
      exports: [AuditTrail, NotificationDispatcher],
    };
  }
}
