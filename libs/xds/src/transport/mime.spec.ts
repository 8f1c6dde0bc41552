import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseXml } from '../xml/xml-parser';
import { NS, XmlElement, childOf, childrenOf } from '../xml/xml-element';
import { attachmentFor, parseContentType, readSoapRequest } from './mime';
import { documentBytes, readEnvelope } from './soap-request';
import { mtomResponse } from './soap-response';
import { TransportRejected } from './transport-errors';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'fixtures', 'xds');
const LIMITS = { maxRequestBytes: 10_000_000, maxPartBytes: 10_000_000 };

/** The body in small chunks of random sizes, to cross every boundary between chunks. */
function chunked(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length;) {
    const size = 1 + Math.floor(Math.random() * 7);
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  return Readable.from(chunks);
}

function includes(element: XmlElement): XmlElement[] {
  return [
    ...childrenOf(element, NS.xop, 'Include'),
    ...element.children.flatMap((child) => includes(child)),
  ];
}

async function readCapture(contentType: string, body: Buffer) {
  const request = await readSoapRequest(chunked(body), contentType, LIMITS);
  const envelope = readEnvelope(parseXml(request.root));
  return { request, envelope };
}

describe('readSoapRequest on real MTOM captures', () => {
  it.each([
    [
      'NIST http-mtom-pnr (LF line endings, padded lines)',
      () => {
        const raw = readFileSync(join(FIXTURES, 'nist-toolkit/mtom/http-mtom-pnr.txt'));
        const split = raw.indexOf('\n\n');
        const head = raw.subarray(0, split).toString();
        return {
          contentType: /content-type:\s*(.+)/i.exec(head)![1].trim(),
          body: raw.subarray(split + 2),
        };
      },
    ],
    [
      'NIST axis2-pnr (quoted boundary, start)',
      () => ({
        contentType: /Content-Type:\s*(.+)/
          .exec(
            readFileSync(
              join(FIXTURES, 'nist-toolkit/mtom/axis2-pnr/multipart.header.txt'),
              'utf8',
            ),
          )![1]
          .trim(),
        body: readFileSync(join(FIXTURES, 'nist-toolkit/mtom/axis2-pnr/multipart.body.txt')),
      }),
    ],
    [
      'NIST PnrXop (no start parameter)',
      () => ({
        contentType: /Content-Type:\s*(.+)/
          .exec(
            readFileSync(join(FIXTURES, 'nist-toolkit/mtom/PnrXop-Xop/testplan.xml'), 'utf8'),
          )![1]
          .trim(),
        body: readFileSync(join(FIXTURES, 'nist-toolkit/mtom/PnrXop-Xop/body.txt')),
      }),
    ],
    [
      'the DMP capture (indented delimiters and headers, a base64 part)',
      () => ({
        contentType:
          'multipart/related; boundary=MIMEBoundary_Bound; type="application/xop+xml"; start="<0.1>"',
        body: readFileSync(join(FIXTURES, 'ans-dmp-xds/publication.xml')),
      }),
    ],
  ])('reads %s, every xop:Include resolving to a part', async (_name, capture) => {
    const { contentType, body } = capture();
    const { request, envelope } = await readCapture(contentType, body);
    expect(request.mtom).toBe(true);
    expect(envelope.action).toBe('urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b');
    const documents = childrenOf(envelope.body, NS.xdsb, 'Document');
    expect(documents.length).toBeGreaterThan(0);
    expect(includes(envelope.body).length).toBe(documents.length);
    for (const document of documents)
      expect(documentBytes(document, request.attachments).length).toBeGreaterThan(0);
  });

  it('decodes the DMP capture base64 part', async () => {
    const { request } = await readCapture(
      'multipart/related; boundary=MIMEBoundary_Bound; start="<0.1>"',
      readFileSync(join(FIXTURES, 'ans-dmp-xds/publication.xml')),
    );
    expect(attachmentFor(request.attachments, 'cid:0.2')!.body.subarray(0, 4)).toEqual(
      Buffer.alloc(4),
    );
  });

  it('parses a WCF boundary with + and = (NIST boundaryTest)', () => {
    const header = readFileSync(
      join(FIXTURES, 'nist-toolkit/mtom/boundaryTest/request_hdr.txt'),
      'utf8',
    );
    const contentType = parseContentType(/content-type:\s*(.+)/i.exec(header)![1]);
    expect(contentType.type).toBe('multipart/related');
    expect(contentType.parameters).toMatchObject({
      boundary: 'uuid:898b3ded-c057-48c5-9f07-43a15680b58d+id=5',
      start: '<http://tempuri.org/0>',
    });
  });

  it('round-trips an MTOM response whose binary part holds CRLF and boundary-like bytes', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\r\n--MIMEBoundary_x\r\n'),
      Buffer.from([0, 255, 13, 10]),
    ]);
    const envelope = `<s:Envelope xmlns:s="${NS.soap12}"><s:Header><a:Action xmlns:a="${NS.wsa}">x</a:Action></s:Header><s:Body><d/></s:Body></s:Envelope>`;
    const { contentType, body } = mtomResponse(envelope, [
      { contentId: 'doc@x', contentType: 'application/octet-stream', body: bytes },
    ]);
    const read = await readSoapRequest(chunked(Buffer.concat(body)), contentType, LIMITS);
    expect(read.root.toString()).toBe(envelope);
    expect(attachmentFor(read.attachments, 'cid:doc%40x')!.body.equals(bytes)).toBe(true);
    expect(childOf(parseXml(read.root), NS.soap12, 'Body')).toBeDefined();
  });

  it.each([
    ['text/plain', 'x', 'unsupported-media-type'],
    ['multipart/related', '--b\r\n\r\nx\r\n--b--', 'malformed-multipart'],
    ['multipart/related; boundary=b', '--b\r\nContent-ID: <a>\r\n\r\nx\r\n', 'malformed-multipart'],
    [
      'multipart/related; boundary=b; start="<z>"',
      '--b\r\nContent-ID: <a>\r\n\r\nx\r\n--b--',
      'missing-root-part',
    ],
    [
      'multipart/related; boundary=b',
      '--b\r\nContent-ID: <a>\r\n\r\nx\r\n--b\r\nContent-ID: <a>\r\n\r\ny\r\n--b--',
      'malformed-multipart',
    ],
    [
      'multipart/related; boundary=b',
      '--b\r\nContent-ID: <a>\r\nContent-ID: <c>\r\n\r\nx\r\n--b--',
      'malformed-multipart',
    ],
    [
      'multipart/related; boundary=b',
      '--b\r\nContent-ID: <a>\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nx\r\n--b--',
      'malformed-multipart',
    ],
    [
      'multipart/related; boundary=b',
      '--b\r\nContent-ID: <a>\r\nContent-Transfer-Encoding: base64\r\n\r\neA=\r\n--b--',
      'malformed-multipart',
    ],
  ])('refuses %s %j', async (contentType, body, reason) => {
    await expect(
      readSoapRequest(chunked(Buffer.from(body)), contentType, LIMITS),
    ).rejects.toMatchObject({
      reason,
    });
  });

  it('bounds part headers whether they arrive in one chunk or many', async () => {
    const body = Buffer.from(
      `--b\r\nContent-ID: <a>\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\nx\r\n--b--`,
    );
    for (const stream of [Readable.from([body]), chunked(body)]) {
      await expect(
        readSoapRequest(stream, 'multipart/related; boundary=b', LIMITS),
      ).rejects.toMatchObject({ reason: 'malformed-multipart' });
    }
  });

  it('stops at the request and part size limits', async () => {
    const body = Buffer.from(`--b\r\nContent-ID: <a>\r\n\r\n${'x'.repeat(100)}\r\n--b--`);
    await expect(
      readSoapRequest(chunked(body), 'multipart/related; boundary=b', {
        maxRequestBytes: 50,
        maxPartBytes: 1000,
      }),
    ).rejects.toMatchObject({ reason: 'request-too-large' });
    await expect(
      readSoapRequest(chunked(body), 'multipart/related; boundary=b', {
        maxRequestBytes: 1000,
        maxPartBytes: 50,
      }),
    ).rejects.toBeInstanceOf(TransportRejected);
  });
});
