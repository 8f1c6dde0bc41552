export * from './config';
export * from './tls';
export * from './client-certificate.guard';
export * from './pki';
