export * from './database';
export * from './persistence.module';
export * from './postgres-registry-store';
export * from './embedded-lock';
