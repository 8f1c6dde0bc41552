export * from './errors';
export * from './ins';
export * from './model';
export * from './principal';
export * from './query';
export * from './ids';
export * from './digest';
export * from './record-lifecycle';
