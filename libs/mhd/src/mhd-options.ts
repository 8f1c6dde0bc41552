export const MHD_OPTIONS = Symbol('MhdOptions');

export interface MhdOptions {
  readonly repositoryUniqueId: string;
  readonly maxPageSize: number;
  /** `https://host:port/fhir`; derived from the request's Host header when absent. */
  readonly publicBaseUrl?: string;
}
