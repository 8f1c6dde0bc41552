export * from './access-request';
export * from './access-policy';
export * from './habilitation-matrix';
export * from './change-policy';
export * from './directory-policy';
