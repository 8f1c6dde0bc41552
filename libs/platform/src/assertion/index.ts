export * from './assertion-claims';
export * from './assertion-verifier';
export * from './certificate-chain';
export * from './saml-assertion-verifier';
export type { Refusal } from './refusal';
