export * from './mhd.module';
export * from './mhd-options';
export * from './fhir-exception.filter';
export * from './operation-outcome';
export * from './provide-bundle';
export * from './document-reference';
export * from './search-parameters';
export * from './patient-reference';
