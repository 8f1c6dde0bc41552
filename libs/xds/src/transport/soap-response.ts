import { randomUUID } from 'node:crypto';
import { NS } from '../xml/xml-element';
import { element, escapeText } from '../xml/xml-writer';
import type { MimePart } from './mime';
import type { SoapFaultDescription } from './transport-errors';

const FAULT_ACTION = 'http://www.w3.org/2005/08/addressing/soap/fault';

export function soapEnvelope(message: {
  action: string;
  relatesTo?: string;
  body: string;
}): string {
  const header = [
    element('wsa:Action', { 'soap:mustUnderstand': '1' }, escapeText(message.action)),
    element('wsa:MessageID', {}, `urn:uuid:${randomUUID()}`),
    ...(message.relatesTo ? [element('wsa:RelatesTo', {}, escapeText(message.relatesTo))] : []),
  ];
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    element('soap:Envelope', { 'xmlns:soap': NS.soap12, 'xmlns:wsa': NS.wsa }, [
      element('soap:Header', {}, header),
      element('soap:Body', {}, message.body),
    ])
  );
}

/** A SOAP 1.2 Fault (env:Code/env:Value, optional env:Subcode, env:Reason/env:Text). */
export function soapFault(fault: SoapFaultDescription, relatesTo?: string): string {
  const subcode = fault.subcode
    ? element(
        'soap:Subcode',
        {},
        element('soap:Value', { 'xmlns:sub': fault.subcode.ns }, `sub:${fault.subcode.local}`),
      )
    : '';
  const body = element('soap:Fault', {}, [
    element('soap:Code', {}, [element('soap:Value', {}, `soap:${fault.code}`), subcode]),
    element(
      'soap:Reason',
      {},
      element('soap:Text', { 'xml:lang': 'en' }, escapeText(fault.reason)),
    ),
  ]);
  return soapEnvelope({ action: FAULT_ACTION, relatesTo, body });
}

/** `<xop:Include href="cid:…"/>` for a part, its Content-ID percent-encoded (RFC 2392). */
export function xopInclude(contentId: string): string {
  return element('xop:Include', {
    'xmlns:xop': NS.xop,
    href: `cid:${encodeURIComponent(contentId)}`,
  });
}

/**
 * An MTOM/XOP multipart/related response: the envelope as root part, each document as a
 * binary part. The body is a list of buffers written in order; document bytes are not copied.
 */
export function mtomResponse(
  envelope: string,
  parts: readonly MimePart[],
): { contentType: string; body: Buffer[] } {
  const boundary = `MIMEBoundary_${randomUUID().replace(/-/g, '')}`;
  const rootId = `root.${randomUUID()}@passerelle`;
  const body: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\n` +
        'Content-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\n' +
        `Content-Transfer-Encoding: binary\r\nContent-ID: <${rootId}>\r\n\r\n${envelope}`,
    ),
  ];
  for (const part of parts) {
    body.push(
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Type: ${part.contentType}\r\n` +
          `Content-Transfer-Encoding: binary\r\nContent-ID: <${part.contentId}>\r\n\r\n`,
      ),
      part.body,
    );
  }
  body.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return {
    contentType:
      `multipart/related; type="application/xop+xml"; boundary="${boundary}"; ` +
      `start="<${rootId}>"; start-info="application/soap+xml"`,
    body,
  };
}
