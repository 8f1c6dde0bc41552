export * from './directory/professional';
export * from './directory/directory-search';
export * from './directory/rpps-extract';
export * from './directory/import-professionals';
export * from './policy';
export * from './access-state-store';
export * from './access-control';
export * from './access-control.module';
