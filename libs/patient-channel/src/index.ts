export * from './ports';
export * from './patient-channel';
export * from './patient-channel-options';
export * from './patient-channel.module';
export * from './oidc/expired-state-purge';
export * from './oidc/smart-scopes';
export { hashPassword, verifyPassword } from './accounts/password-hashing';
