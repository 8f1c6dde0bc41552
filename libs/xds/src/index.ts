export * from './xds.module';
export * from './xds-options';
export * from './xds-transactions';
export * from './xml/xml-element';
export * from './xml/xml-parser';
export * from './transport/mime';
export * from './transport/soap-response';
export * from './ebrim/ebrim-writer';
export { STORED_QUERY_IDS } from './iti-18-registry-stored-query/adhoc-query-request';
