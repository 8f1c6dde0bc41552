export * from './bundle-builder';
export * from './patients';
