export * from './ocsp-checker';
export * from './ocsp-exchange';
