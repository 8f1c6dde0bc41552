export * from './database';
export * from './persistence.module';
export * from './postgres-registry-store';
export * from './postgres-professional-directory';
export * from './embedded-lock';
export * from './postgres-access-state-store';
export * from './postgres-audit-store';
export * from './postgres-registry-reader';
export { Conditions, visibilityClause } from './document-search-sql';
