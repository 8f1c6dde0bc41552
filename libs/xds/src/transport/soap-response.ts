import { randomUUID } from 'node:crypto';
import { NS } from '../xml/xml-element';
import { element, escapeText, startTag } from '../xml/xml-writer';
import type { MimePart } from './mime';
import type { SoapFaultDescription } from './transport-errors';

const FAULT_ACTION = 'http://www.w3.org/2005/08/addressing/soap/fault';

/** A SOAP body written as it goes: chunks of XML, in order. */
export type XmlChunks = Iterable<string>;

export function soapEnvelope(message: {
  action: string;
  relatesTo?: string;
  body: string;
}): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    element('soap:Envelope', { 'xmlns:soap': NS.soap12, 'xmlns:wsa': NS.wsa }, [
      soapHeader(message),
      element('soap:Body', {}, message.body),
    ])
  );
}

/** The same envelope as `soapEnvelope`, around a body written chunk by chunk. */
export function* soapEnvelopeChunks(message: {
  action: string;
  relatesTo?: string;
  body: XmlChunks;
}): Generator<string> {
  yield (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    startTag('soap:Envelope', { 'xmlns:soap': NS.soap12, 'xmlns:wsa': NS.wsa }) +
    `${soapHeader(message)}<soap:Body>`
  );
  yield* message.body;
  yield '</soap:Body></soap:Envelope>';
}

function soapHeader(message: { action: string; relatesTo?: string }): string {
  return element('soap:Header', {}, [
    element('wsa:Action', { 'soap:mustUnderstand': '1' }, escapeText(message.action)),
    element('wsa:MessageID', {}, `urn:uuid:${randomUUID()}`),
    ...(message.relatesTo ? [element('wsa:RelatesTo', {}, escapeText(message.relatesTo))] : []),
  ]);
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
  const mtom = mtomPackage(parts);
  return {
    contentType: mtom.contentType,
    body: [Buffer.from(`${mtom.rootHeader}${envelope}`), ...mtom.partChunks],
  };
}

/** The same package as `mtomResponse`, its envelope written chunk by chunk. */
export function mtomResponseChunks(
  envelope: XmlChunks,
  parts: readonly MimePart[],
): { contentType: string; body: Iterable<Buffer | string> } {
  const mtom = mtomPackage(parts);
  return { contentType: mtom.contentType, body: packageChunks(mtom, envelope) };
}

interface MtomPackage {
  readonly contentType: string;
  readonly rootHeader: string;
  readonly partChunks: readonly Buffer[];
}

function* packageChunks(mtom: MtomPackage, envelope: XmlChunks): Generator<Buffer | string> {
  yield mtom.rootHeader;
  yield* envelope;
  yield* mtom.partChunks;
}

function mtomPackage(parts: readonly MimePart[]): MtomPackage {
  const boundary = `MIMEBoundary_${randomUUID().replace(/-/g, '')}`;
  const rootId = `root.${randomUUID()}@passerelle`;
  const partChunks: Buffer[] = [];
  for (const part of parts) {
    partChunks.push(
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Type: ${part.contentType}\r\n` +
          `Content-Transfer-Encoding: binary\r\nContent-ID: <${part.contentId}>\r\n\r\n`,
      ),
      part.body,
    );
  }
  partChunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return {
    contentType:
      `multipart/related; type="application/xop+xml"; boundary="${boundary}"; ` +
      `start="<${rootId}>"; start-info="application/soap+xml"`,
    rootHeader:
      `--${boundary}\r\n` +
      'Content-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\n' +
      `Content-Transfer-Encoding: binary\r\nContent-ID: <${rootId}>\r\n\r\n`,
    partChunks,
  };
}
