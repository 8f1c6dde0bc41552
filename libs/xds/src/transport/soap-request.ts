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
      reason: `Expected a SOAP 1.2 Envelope, found {${root.ns}}${root.local}`,
    });
  }
  const header = childOf(root, NS.soap12, 'Header');
  const body = childOf(root, NS.soap12, 'Body')?.children[0];
  if (!body)
    throw new SoapFaultError({ code: 'Sender', reason: 'The SOAP Body is missing or empty' });
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

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The bytes of an xdsb:Document: the MTOM part its xop:Include names, or its inline base64
 * text.
 */
export function documentBytes(
  element: XmlElement,
  attachments: ReadonlyMap<string, MimePart>,
): Buffer {
  const include = childOf(element, NS.xop, 'Include');
  if (include) {
    const href = attributeOf(include, 'href') ?? '';
    const part = attachmentFor(attachments, href);
    if (!part) {
      throw new TransportRejected(
        'malformed-multipart',
        `xop:Include href="${href}" names no MIME part of the request`,
      );
    }
    return part.body;
  }
  const text = element.text.replace(/\s+/g, '');
  if (!BASE64.test(text) || text.length % 4 !== 0) {
    throw new TransportRejected(
      'malformed-multipart',
      `Document ${attributeOf(element, 'id') ?? ''} is neither an xop:Include nor base64`,
    );
  }
  return Buffer.from(text, 'base64');
}
