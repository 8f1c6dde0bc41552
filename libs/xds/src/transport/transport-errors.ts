/** Why an XML document was refused before any XDS reading (hardened parsing, DESIGN §2). */
export type XmlRejection =
  | 'not-well-formed'
  | 'dtd-forbidden'
  | 'too-deep'
  | 'too-many-elements'
  | 'too-many-attributes'
  | 'text-too-large'
  | 'unsupported-encoding';

export class XmlRejected extends Error {
  constructor(
    readonly reason: XmlRejection,
    message: string,
  ) {
    super(message);
    this.name = 'XmlRejected';
  }
}

/** Why the HTTP body could not be read as a SOAP request (plain or MTOM). */
export type TransportRejection =
  | 'unsupported-media-type'
  | 'malformed-multipart'
  | 'request-too-large'
  | 'part-too-large'
  | 'missing-root-part';

export class TransportRejected extends Error {
  constructor(
    readonly reason: TransportRejection,
    message: string,
  ) {
    super(message);
    this.name = 'TransportRejected';
  }
}

export type SoapFaultCode = 'VersionMismatch' | 'MustUnderstand' | 'Sender' | 'Receiver';

export interface SoapFaultDescription {
  readonly code: SoapFaultCode;
  readonly subcode?: { readonly ns: string; readonly local: string };
  readonly reason: string;
}

/** A failure answered with a SOAP 1.2 Fault: envelope, addressing or security problems only. */
export class SoapFaultError extends Error implements SoapFaultDescription {
  readonly code: SoapFaultCode;
  readonly subcode?: { readonly ns: string; readonly local: string };
  readonly reason: string;

  constructor(
    fault: SoapFaultDescription,
    /** HTTP status when it is not the SOAP binding's default (Sender 400, Receiver 500). */
    readonly httpStatus?: number,
  ) {
    super(fault.reason);
    this.name = 'SoapFaultError';
    this.code = fault.code;
    this.subcode = fault.subcode;
    this.reason = fault.reason;
  }
}
