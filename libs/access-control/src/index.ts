export * from './directory/professional';
export * from './directory/rpps-extract';
export * from './directory/import-professionals';
export * from './policy';
