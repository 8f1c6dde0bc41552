export * from './header/cda-header';
export * from './header/cda-xml';
export * from './header/national-mappings';
export * from './header/hl7-time';
export * from './header/cda-metadata';
