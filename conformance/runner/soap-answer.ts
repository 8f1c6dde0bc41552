import { MimePart, attachmentFor, readSoapMessage } from './multipart';
import { NS, XmlElement, childOf, childrenOf, parseXml, textOf } from './xml';
import type { HttpResponseRecord } from './results';

/** A SOAP answer, read whatever it is: plain SOAP or MTOM; `problem` when it is not SOAP. */
export interface SoapAnswer {
  /** The first element of soap:Body. */
  readonly body?: XmlElement;
  readonly attachments: ReadonlyMap<string, MimePart>;
  readonly problem?: string;
}

export function readSoapAnswer(response: HttpResponseRecord): SoapAnswer {
  const contentType = response.headers['content-type'];
  try {
    const message = readSoapMessage(response.body, contentType);
    const envelope = parseXml(message.root);
    const body = childOf(envelope, NS.soap12, 'Body')?.children[0];
    if (envelope.local !== 'Envelope' || !body) {
      return { attachments: message.attachments, problem: 'a SOAP 1.2 envelope without a body' };
    }
    return { body, attachments: message.attachments };
  } catch (error) {
    return {
      attachments: new Map(),
      problem: `not a SOAP 1.2 message (Content-Type ${contentType ?? 'none'}): ${(error as Error).message}`,
    };
  }
}

/** The registry response inside any XDS answer (itself, or within RetrieveDocumentSetResponse). */
export function registryResponseOf(body: XmlElement): XmlElement | undefined {
  if (body.local === 'RegistryResponse' || body.local === 'AdhocQueryResponse') return body;
  return childOf(body, NS.rs, 'RegistryResponse');
}

/** `…:ResponseStatusType:Success` shortened to `Success`. */
export function shortStatus(registryResponse: XmlElement): string {
  return (registryResponse.attributes.status ?? '(no status)').split(':').pop() ?? '';
}

export interface RegistryError {
  readonly errorCode: string;
  readonly codeContext: string;
}

export function registryErrorsOf(registryResponse: XmlElement): RegistryError[] {
  const list = childOf(registryResponse, NS.rs, 'RegistryErrorList');
  return (list ? childrenOf(list, NS.rs, 'RegistryError') : []).map((error) => ({
    errorCode: error.attributes.errorCode ?? '',
    codeContext: error.attributes.codeContext ?? '',
  }));
}

/** A SOAP 1.2 Fault's code (local part, e.g. `Sender`) and reason. */
export function faultOf(body: XmlElement): { code: string; reason: string } | undefined {
  if (body.ns !== NS.soap12 || body.local !== 'Fault') return undefined;
  const code = textOf(childOf(childOf(body, NS.soap12, 'Code') ?? body, NS.soap12, 'Value'));
  const reasonElement = childOf(body, NS.soap12, 'Reason');
  const reason = reasonElement ? textOf(childOf(reasonElement, NS.soap12, 'Text')) : undefined;
  return { code: (code ?? '').split(':').pop() ?? '', reason: reason ?? '' };
}

/** The objects of a query answer (children of rim:RegistryObjectList). */
export function registryObjectsOf(body: XmlElement): readonly XmlElement[] {
  return childOf(body, NS.rim, 'RegistryObjectList')?.children ?? [];
}

/** The bytes of an ITI-43 DocumentResponse: its XOP part, or inline base64. */
export function documentBytesOf(
  documentResponse: XmlElement,
  attachments: ReadonlyMap<string, MimePart>,
): Buffer | undefined {
  const document = childOf(documentResponse, NS.xdsb, 'Document');
  if (!document) return undefined;
  const include = childOf(document, NS.xop, 'Include');
  if (!include) return Buffer.from(document.text.trim(), 'base64');
  return attachmentFor(attachments, include.attributes.href ?? '')?.body;
}
