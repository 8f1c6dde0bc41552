export const XDS_OPTIONS = Symbol('XdsOptions');

export interface XdsOptions {
  /** repositoryUniqueId of this repository (ITI-43 requests name it). */
  readonly repositoryUniqueId: string;
  readonly maxRequestBytes: number;
  /** Largest MIME part (one document) an MTOM request may carry. */
  readonly maxPartBytes: number;
  /** Above this many objects a stored query answers XDSTooManyResults. */
  readonly maxQueryResults: number;
}
