import { XmlRejected } from '../transport/transport-errors';
import { NS, childOf } from './xml-element';
import { decodeXml, parseXml } from './xml-parser';

function rejection(xml: string, limits = {}): string {
  try {
    parseXml(xml, limits);
  } catch (error) {
    if (error instanceof XmlRejected) return error.reason;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('parseXml', () => {
  it('resolves namespaces, keeps unprefixed attributes by local name and namespaced ones by URI', () => {
    const root = parseXml(
      `\uFEFF  <?xml version="1.0"?><s:Envelope xmlns:s="${NS.soap12}"><s:Body s:role="r" id="1">a<![CDATA[<b>]]>c</s:Body></s:Envelope>`,
    );
    const body = childOf(root, NS.soap12, 'Body')!;
    expect(body.attributes).toEqual({ id: '1', [`{${NS.soap12}}role`]: 'r' });
    expect(body.text).toBe('a<b>c');
  });

  it.each([
    [
      'an internal entity bomb',
      '<!DOCTYPE a [<!ENTITY x "xx"><!ENTITY y "&x;&x;">]><a>&y;</a>',
      'dtd-forbidden',
    ],
    [
      'an external entity',
      '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
      'dtd-forbidden',
    ],
    ['an undefined entity', '<a>&nope;</a>', 'not-well-formed'],
    ['unclosed elements', '<a><b></a>', 'not-well-formed'],
    ['an unbound prefix', '<x:a/>', 'not-well-formed'],
  ])('refuses %s', (_name, xml, reason) => {
    expect(rejection(xml)).toBe(reason);
  });

  it('enforces depth, element, attribute and text limits', () => {
    expect(rejection('<a><a><a/></a></a>', { maxDepth: 2 })).toBe('too-deep');
    expect(rejection('<a><b/><b/></a>', { maxElements: 2 })).toBe('too-many-elements');
    expect(rejection('<a x="1" y="2"/>', { maxAttributesPerElement: 1 })).toBe(
      'too-many-attributes',
    );
    expect(rejection('<a>abcdef</a>', { maxTextCharacters: 3 })).toBe('text-too-large');
  });
});

describe('decodeXml', () => {
  const declared = (encoding: string, text: string) =>
    `<?xml version="1.0" encoding="${encoding}"?><t>${text}</t>`;

  it('decodes in the encoding the declaration names, UTF-8 by default', () => {
    expect(decodeXml(Buffer.from('<t>é</t>'))).toBe('<t>é</t>');
    expect(decodeXml(Buffer.from(declared('ISO-8859-1', 'é'), 'latin1'))).toBe(
      declared('ISO-8859-1', 'é'),
    );
    expect(decodeXml(Buffer.from(`\uFEFF \n${declared('utf-8', 'é')}`))).toBe(
      declared('utf-8', 'é'),
    );
    expect(decodeXml(Buffer.from(declared('US-ASCII', 'e')))).toBe(declared('US-ASCII', 'e'));
  });

  it.each([
    ['invalid UTF-8', Buffer.from(declared('UTF-8', 'é'), 'latin1')],
    ['invalid UTF-8 without a declaration', Buffer.from([0x3c, 0x74, 0x3e, 0xff, 0x3c])],
    ['a byte above 0x7F in US-ASCII', Buffer.from(declared('US-ASCII', 'é'), 'latin1')],
    ['another encoding', Buffer.from(declared('windows-1252', 'e'))],
    ['a UTF-8 BOM before another encoding', Buffer.from(`\uFEFF${declared('ISO-8859-1', 'e')}`)],
  ])('refuses %s', (_, bytes) => {
    expect(() => decodeXml(bytes)).toThrow(
      expect.objectContaining({ reason: 'unsupported-encoding' }) as Error,
    );
  });
});
