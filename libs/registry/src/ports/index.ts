export * from './registry-reader';
export * from './registry-writer';
