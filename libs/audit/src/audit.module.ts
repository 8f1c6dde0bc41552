import { DynamicModule, Global, Module } from '@nestjs/common';
import { AuditTrail } from './audit-trail';
import { LogNotificationChannel } from './delivery/log-channel';
import { FileNotificationChannel } from './delivery/file-channel';
import { NOTIFICATION_CHANNEL, NotificationChannel } from './delivery/notification-channel';
import { DISPATCH_INTERVAL_MS, NotificationDispatcher } from './delivery/notification-dispatcher';
import { SmtpNotificationChannel } from './delivery/smtp-channel';

/** Where notifications are delivered: e-mail, one JSON file each (development), or the log. */
export type NotificationDelivery =
  | { readonly kind: 'smtp'; readonly smtpUrl: string; readonly mailFrom: string }
  | { readonly kind: 'file'; readonly directory: string }
  | { readonly kind: 'log' };

export interface AuditOptions {
  readonly delivery: NotificationDelivery;
  readonly dispatchIntervalMs: number;
}

function channelFor(delivery: NotificationDelivery): NotificationChannel {
  switch (delivery.kind) {
    case 'smtp':
      return new SmtpNotificationChannel(delivery.smtpUrl, delivery.mailFrom);
    case 'file':
      return new FileNotificationChannel(delivery.directory);
    case 'log':
      return new LogNotificationChannel();
  }
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
          useFactory: () => channelFor(options.delivery),
        },
        { provide: DISPATCH_INTERVAL_MS, useValue: options.dispatchIntervalMs },
        NotificationDispatcher,
      ],
      exports: [AuditTrail, NotificationDispatcher],
    };
  }
}
