import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachmentFor, parseContentType, readSoapMessage } from './multipart';
import { NS, XmlElement, parseXml } from './xml';

const MTOM = join(__dirname, '..', 'fixtures', 'xds', 'nist-toolkit', 'mtom');

function includesOf(element: XmlElement): string[] {
  const own = element.ns === NS.xop && element.local === 'Include' ? [element.attributes.href] : [];
  return [...own, ...element.children.flatMap(includesOf)];
}

/** The Content-Type header and body of a raw HTTP request capture. */
function httpCapture(bytes: Buffer): { contentType: string; body: Buffer } {
  const end = bytes.indexOf('\n\n') >= 0 ? bytes.indexOf('\n\n') : bytes.indexOf('\r\n\r\n');
  const head = bytes.subarray(0, end).toString('latin1');
  const contentType = /^content-type:(.*)$/im.exec(head)![1].trim();
  return { contentType, body: bytes.subarray(bytes.indexOf('\n', end + 1) + 1) };
}

const CAPTURES: [string, () => { contentType: string; body: Buffer }][] = [
  [
    'PnrXop-Xop (no start: the first part is the root)',
    () => ({
      contentType:
        'multipart/related; boundary="MIMEBoundary_95b57d7287e4fa4b528a8f050c41f8ad829c20332f23b48d"; type="application/xop+xml"; start-info="application/soap+xml"',
      body: readFileSync(join(MTOM, 'PnrXop-Xop', 'body.txt')),
    }),
  ],
  [
    'axis2-pnr (start names the root)',
    () => ({
      contentType:
        'multipart/related; boundary="MIMEBoundary_ba2e384099b4a244bc1c7bab88c735b4f94aeb2925619b62"; type="application/xop+xml"; start="<0.8a2e384099b4a244bc1c7bab88c735b4f94aeb2925619b62@apache.org>"; start-info="application/soap+xml"',
      body: readFileSync(join(MTOM, 'axis2-pnr', 'multipart.body.txt')),
    }),
  ],
  [
    'http-mtom-pnr (unquoted boundary, padding after delimiters and headers)',
    () => httpCapture(readFileSync(join(MTOM, 'http-mtom-pnr.txt'))),
  ],
];

describe('MTOM / multipart/related reading', () => {
  it.each(CAPTURES)('takes apart the real capture %s', (_name, capture) => {
    const { contentType, body } = capture();
    const message = readSoapMessage(body, contentType);
    const envelope = parseXml(message.root);
    expect([envelope.ns, envelope.local]).toEqual([NS.soap12, 'Envelope']);
    const hrefs = includesOf(envelope);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) {
      const part = attachmentFor(message.attachments, href);
      expect(part).toBeDefined();
      expect(part!.body.length).toBeGreaterThan(0);
    }
    expect(message.attachments.size).toBe(hrefs.length);
  });

  it('reads CRLF parts, base64 ones, and a percent-encoded cid: reference', () => {
    const body = Buffer.from(
      'preamble\r\n--b=1\r\nContent-Type: application/xop+xml\r\nContent-ID: <root@x>\r\n\r\n<e/>\r\n' +
        '--b=1\r\nContent-ID: <doc 1@x>\r\nContent-Transfer-Encoding: base64\r\n\r\nYWJj\r\nZA==\r\n' +
        '--b=1--\r\nepilogue',
    );
    const message = readSoapMessage(body, 'multipart/related; boundary="b=1"; start="<root@x>"');
    expect(message.root.toString()).toBe('<e/>');
    expect(attachmentFor(message.attachments, 'cid:doc%201@x')!.body.toString()).toBe('abcd');
    expect(attachmentFor(message.attachments, 'doc 1@x')).toBeUndefined();
  });

  it('takes application/soap+xml as the envelope itself', () => {
    const message = readSoapMessage(Buffer.from('<e/>'), 'application/soap+xml; charset=UTF-8');
    expect(message.root.toString()).toBe('<e/>');
    expect(message.attachments.size).toBe(0);
  });

  it('refuses what is not a SOAP message or not a whole multipart body', () => {
    const part = '--b\nContent-ID: <a>\n\nx\n';
    expect(() => readSoapMessage(Buffer.from('<html/>'), 'text/html')).toThrow('neither');
    expect(() => readSoapMessage(Buffer.from(part), 'multipart/related')).toThrow('boundary');
    expect(() => readSoapMessage(Buffer.from(part), 'multipart/related; boundary=b')).toThrow(
      'closing delimiter',
    );
    expect(() =>
      readSoapMessage(Buffer.from(`${part}${part}--b--`), 'multipart/related; boundary=b'),
    ).toThrow('Two MIME parts');
    expect(() =>
      readSoapMessage(Buffer.from(`${part}--b--`), 'multipart/related; boundary=b; start=<z>'),
    ).toThrow('root');
    expect(() =>
      readSoapMessage(
        Buffer.from('--b\nContent-Transfer-Encoding: base64\n\n@@@\n--b--'),
        'multipart/related; boundary=b',
      ),
    ).toThrow('base64');
  });

  it('parses Content-Type parameters, quoted or not', () => {
    expect(parseContentType('Multipart/Related; Boundary="a;b\\"c"; start=<x>')).toEqual({
      type: 'multipart/related',
      parameters: { boundary: 'a;b"c', start: '<x>' },
    });
  });
});
