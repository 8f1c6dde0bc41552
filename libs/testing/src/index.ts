export * from './bundle-builder';
export * from './patients';
export * from './fixtures';
