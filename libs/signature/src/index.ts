export * from './dsg-signer';
export * from './xades-submission-verifier';
