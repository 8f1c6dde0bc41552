import { DomainError, excerpt } from '@passerelle/domain';
import { XmlElement, childOf } from '../xml/xml-element';
import type { MimePart } from './mime';
import type { SoapEnvelope } from './soap-request';

/** A SOAP request as read from the wire, before any transaction reads its body. */
export interface SoapRequest {
  readonly envelope: SoapEnvelope;
  /** The envelope's text, decoded as its XML declaration says. */
  readonly rootXml: string;
  readonly attachments: ReadonlyMap<string, MimePart>;
  readonly mtom: boolean;
}

/** The SOAP Body's element, which must be the one the transaction expects. */
export function bodyElement(request: SoapRequest, ns: string, local: string): XmlElement {
  const body = request.envelope.body;
  if (body.ns !== ns || body.local !== local) {
    throw new DomainError(
      'MALFORMED_REQUEST',
      `The SOAP Body must hold {${ns}}${local}, found {${excerpt(body.ns)}}${excerpt(body.local)}`,
    );
  }
  return body;
}

export function requiredChild(element: XmlElement, ns: string, local: string): XmlElement {
  const child = childOf(element, ns, local);
  if (!child) throw new DomainError('MALFORMED_REQUEST', `${element.local} must hold ${local}`);
  return child;
}
