export * from './ports';
export * from './submission-draft';
export * from './validate-submission';
export * from './patient-records';
export * from './register-document-set';
export * from './document-queries';
export * from './update-document-metadata';
export * from './registry.module';
