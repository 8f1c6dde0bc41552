import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NS, childOf, childrenOf, parseXml, textOf } from './xml';

const MESSAGES = join(__dirname, '..', 'fixtures', 'xds', 'nist-toolkit', 'message-validator');

describe('XML reading (@xmldom/xmldom)', () => {
  it('resolves namespaces, keys attributes, joins text and CDATA', () => {
    const root = parseXml(
      '<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" ' +
        'xmlns:x="urn:x"><s:Body s:mustUnderstand="true" id="b"><x:a>one <![CDATA[<two>]]>\r\n</x:a>' +
        '<x:a/><a xmlns="urn:y">&lt;&#x41;</a></s:Body></s:Envelope>',
    );
    expect([root.ns, root.local]).toEqual([NS.soap12, 'Envelope']);
    const body = childOf(root, NS.soap12, 'Body')!;
    expect(body.attributes).toEqual({ id: 'b', [`{${NS.soap12}}mustUnderstand`]: 'true' });
    expect(childrenOf(body, 'urn:x', 'a')).toHaveLength(2);
    expect(childOf(body, 'urn:x', 'a')!.text).toBe('one <two>\n');
    expect(textOf(childOf(body, 'urn:y', 'a'))).toBe('<A');
    expect(textOf(childrenOf(body, 'urn:x', 'a')[1])).toBeUndefined();
  });

  it('reads a NIST reference message from its bytes', () => {
    const envelope = parseXml(readFileSync(join(MESSAGES, 'soap-pnr-resp.xml')));
    const response = childOf(envelope, NS.soap12, 'Body')!.children[0];
    expect([response.ns, response.local]).toEqual([NS.rs, 'RegistryResponse']);
    expect(response.attributes.status).toMatch(/:Success$/);
  });

  it('decodes bytes as UTF-8, or ISO-8859-1 when declared, after a BOM and blanks', () => {
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' \n<a>é</a>')]);
    expect(parseXml(utf8).text).toBe('é');
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>', 'latin1');
    expect(parseXml(latin1).text).toBe('é');
    expect(() => parseXml(Buffer.from([0x3c, 0x61, 0x3e, 0xe9, 0x3c, 0x2f, 0x61, 0x3e]))).toThrow();
  });

  it('refuses a DOCTYPE: internal entities and external ones alike', () => {
    expect(() => parseXml('<!DOCTYPE a [<!ENTITY x "expanded">]><a>&x;</a>')).toThrow();
    expect(() =>
      parseXml('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'),
    ).toThrow();
    expect(() => parseXml('<!DOCTYPE a SYSTEM "http://example.org/a.dtd"><a/>')).toThrow('DOCTYPE');
  });

  it('refuses XML that is not well formed or not namespace-well-formed', () => {
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(() => parseXml('<p:a/>')).toThrow();
    expect(() => parseXml('not xml')).toThrow();
    expect(() => parseXml('')).toThrow();
  });
});
