export * from './config';
export * from './tls';
export * from './client-certificate.guard';
export * from './pki';
export * from './assertion';
export * from './platform.module';
export * from './patient-token';
