export * from './hl7v2.module';
export * from './hl7v2-door';
export * from './mllp/mllp-listener';
