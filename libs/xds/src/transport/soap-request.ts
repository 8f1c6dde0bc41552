import { decodeBase64Strict, excerpt } from '@passerelle/domain';
import { NS, XmlElement, attributeOf, childOf, textOf } from '../xml/xml-element';
import { MimePart, attachmentFor } from './mime';
import { SoapFaultError, TransportRejected } from './transport-errors';

/** What the gateway reads from a SOAP 1.2 envelope with WS-Addressing. */
export interface SoapEnvelope {
  readonly action: string;
  readonly messageId?: string;
  readonly replyTo?: string;
  /** wsse:Security, where the access assertion travels. */
  readonly security?: XmlElement;
  /** The first element child of soap:Body. */
  readonly body: XmlElement;
}

const WSA_HEADER_REQUIRED = { ns: NS.wsa, local: 'MessageAddressingHeaderRequired' };

export function readEnvelope(root: XmlElement): SoapEnvelope {
  if (root.local === 'Envelope' && root.ns === NS.soap11) {
    throw new SoapFaultError({
      code: 'VersionMismatch',
      reason: 'SOAP 1.1 is not supported: IHE XDS.b requires SOAP 1.2',
    });
  }
  if (root.local !== 'Envelope' || root.ns !== NS.soap12) {
    throw new SoapFaultError({
      code: 'Sender',
      reason: `Expected a SOAP 1.2 Envelope, found {${excerpt(root.ns)}}${excerpt(root.local)}`,
    });
  }
  const { header, body } = envelopeParts(root);
  if (header) refuseMandatoryUnknownHeaders(header);
  const action = header && textOf(childOf(header, NS.wsa, 'Action'));
  if (!action) {
    throw new SoapFaultError({
      code: 'Sender',
      subcode: WSA_HEADER_REQUIRED,
      reason: 'The WS-Addressing Action header is required',
    });
  }
  return {
    action,
    messageId: textOf(childOf(header, NS.wsa, 'MessageID')),
    replyTo: textOf(childOf(childOf(header, NS.wsa, 'ReplyTo') ?? header, NS.wsa, 'Address')),
    security: childOf(header, NS.wsse, 'Security'),
    body,
  };
}

/**
 * SOAP 1.2 Part 1 §5.1: an optional env:Header, then exactly one env:Body, nothing else; the Body
 * holds the one element of the transaction.
 */
function envelopeParts(root: XmlElement): { header?: XmlElement; body: XmlElement } {
  const [first, ...rest] = root.children;
  const hasHeader = first?.ns === NS.soap12 && first.local === 'Header';
  const [bodyElement, ...after] = hasHeader ? rest : root.children;
  if (bodyElement?.ns !== NS.soap12 || bodyElement.local !== 'Body' || after.length > 0) {
    throw senderFault(
      'A SOAP 1.2 Envelope holds an optional Header, then exactly one Body, and nothing else',
    );
  }
  if (root.text.trim() !== '' || bodyElement.text.trim() !== '') {
    throw senderFault('Text is not allowed directly inside the SOAP Envelope or Body');
  }
  if (bodyElement.children.length !== 1) {
    throw senderFault(`The SOAP Body must hold one element, found ${bodyElement.children.length}`);
  }
  return { header: hasHeader ? first : undefined, body: bodyElement.children[0] };
}

/** The header blocks this receiver processes: WS-Addressing and WS-Security (the assertion). */
const UNDERSTOOD_HEADER_NAMESPACES: ReadonlySet<string> = new Set([NS.wsa, NS.wsse]);
/** Roles a block may target that this ultimate receiver plays (SOAP 1.2 Part 1 §2.2). */
const OUR_ROLES: ReadonlySet<string> = new Set([
  `${NS.soap12}/role/next`,
  `${NS.soap12}/role/ultimateReceiver`,
]);

/**
 * SOAP 1.2 Part 1 §5.2.3 and §5.4.8: a header block targeted at this receiver with
 * mustUnderstand="true" that it does not process is a MustUnderstand fault, before anything else
 * is done; an optional one is ignored.
 */
function refuseMandatoryUnknownHeaders(header: XmlElement): void {
  for (const block of header.children) {
    const mandatory = attributeOf(block, `{${NS.soap12}}mustUnderstand`);
    if (mandatory !== 'true' && mandatory !== '1') continue;
    const role = attributeOf(block, `{${NS.soap12}}role`);
    if (role !== undefined && !OUR_ROLES.has(role)) continue;
    if (UNDERSTOOD_HEADER_NAMESPACES.has(block.ns)) continue;
    throw new SoapFaultError({
      code: 'MustUnderstand',
      reason: `The mandatory header block {${excerpt(block.ns)}}${excerpt(block.local)} is not understood here`,
    });
  }
}

function senderFault(reason: string): SoapFaultError {
  return new SoapFaultError({ code: 'Sender', reason });
}

/**
 * The bytes of an xdsb:Document: the MTOM part its one xop:Include names, or its inline base64
 * text — never both.
 */
export function documentBytes(
  element: XmlElement,
  attachments: ReadonlyMap<string, MimePart>,
): Buffer {
  const id = excerpt(attributeOf(element, 'id') ?? '');
  if (element.children.length === 0) return inlineBytes(element.text, id);
  const include = childOf(element, NS.xop, 'Include');
  if (!include || element.children.length > 1 || element.text.trim() !== '') {
    throw new TransportRejected(
      'malformed-multipart',
      `Document ${id} holds either one xop:Include or base64 text, nothing else`,
    );
  }
  const href = attributeOf(include, 'href') ?? '';
  const part = attachmentFor(attachments, href);
  if (!part) {
    throw new TransportRejected(
      'malformed-multipart',
      `xop:Include href="${excerpt(href)}" names no MIME part of the request`,
    );
  }
  return part.body;
}

function inlineBytes(text: string, id: string): Buffer {
  const bytes = decodeBase64Strict(text);
  if (!bytes) {
    throw new TransportRejected(
      'malformed-multipart',
      `Document ${id} is neither an xop:Include nor base64`,
    );
  }
  return bytes;
}
