export * from './audit-record';
export * from './audit-context';
export * from './audit-trail';
export * from './ports';
export * from './audit.module';
export * from './delivery/notification-channel';
export * from './delivery/notification-dispatcher';
export * from './use-case';
