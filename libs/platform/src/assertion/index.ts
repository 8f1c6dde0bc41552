export * from './assertion-claims';
export * from './assertion-verifier';
export * from './certificate-chain';
