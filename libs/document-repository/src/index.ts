export * from './ports';
export * from './provide-and-register';
export * from './retrieve-document';
export * from './document-repository.module';
