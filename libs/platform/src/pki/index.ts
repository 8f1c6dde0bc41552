export * from './certificate-issuer';
export * from './certificate-profile';
export * from './dev-pki';
