export * from './bundle-builder';
export * from './patients';
export * from './fixtures';
export * from './assertions';
export * from './test-certificates';
export * from './xds-requests';
export * from './saml-assertions';
export * from './in-memory';
