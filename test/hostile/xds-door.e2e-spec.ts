import {
  instantiateXdsTemplate,
  provideAndRegisterRequest,
  type HttpBody,
} from '@passerelle/testing';
import { NS, childOf } from '@passerelle/xds';
import { Client } from 'pg';
import { request } from 'undici';
import { DmpRecord, DmpTestBed } from '../support/dmp-test-bed';
import { postSoap, statusOf } from '../support/xds-client';
import { ACTIONS, nistBytes, nistText, soapCall } from '../support/xds-fixtures';

/**
 * The XDS door under hostile input (issue 17): each slot value of a valid ITI-41 replaced by
 * garbage, each attribute removed, each slot duplicated, and broken envelopes. Whatever is
 * sent: an answer in SOAP, never a 5xx; a refusal stores nothing.
 */
const TEMPLATE = nistText('11966', 'submit', 'single_doc.xml');
const DOCUMENT = nistBytes('11966', 'submit', 'my_document.txt');

const VALUE = /<rim:Value>[\s\S]*?<\/rim:Value>/g;
const SLOT = /<rim:Slot\b[\s\S]*?<\/rim:Slot>/g;
/** Elements of the ebRIM shapes that may be missing or misplaced: none nests inside its own kind. */
const ELEMENT =
  /<rim:(ValueList|Name|Description|ExternalIdentifier|Classification)\b[^>]*?(\/>|>[\s\S]*?<\/rim:\1>)/g;
const ATTRIBUTE =
  /\s(id|objectType|mimeType|classificationScheme|classifiedObject|nodeRepresentation|identificationScheme|registryObject|value|sourceObject|targetObject|associationType|classificationNode)="[^"]*"/g;

const countOf = (pattern: RegExp) => TEMPLATE.match(pattern)?.length ?? 0;
const indices = (pattern: RegExp) => Array.from({ length: countOf(pattern) }, (_, index) => index);

/** The template with its `index`-th match of `pattern` rewritten. */
function rewriteNth(xml: string, pattern: RegExp, index: number, rewrite: (m: string) => string) {
  let seen = -1;
  return xml.replace(pattern, (match) => (++seen === index ? rewrite(match) : match));
}

const GARBAGE_VALUES: readonly (readonly [label: string, xml: string])[] = [
  ['empty', ''],
  ['an impossible date', '20260230'],
  ['a control character', '&#1;'],
  ['bare separators', '^^^&amp;&amp;ISO'],
  ['2,000 characters', 'x'.repeat(2_000)],
  ['a number beyond 64 bits', '99999999999999999999999'],
  ['a lone surrogate', '&#xD800;'],
  ['an element', '<rim:Value>x</rim:Value>'],
];

describe('hostile input at the XDS door', () => {
  let bed: DmpTestBed;
  let database: Client;
  let record: DmpRecord;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
    database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
    record = await bed.newRecord();
  });

  afterAll(async () => {
    await database.end();
    await bed.close();
  });

  const stored = async (uniqueId: string | undefined): Promise<number> => {
    const { rows } = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM document_locator WHERE unique_id = $1`,
      [uniqueId ?? ''],
    );
    return rows[0].n;
  };

  /** Sends the mutated ITI-41 (or ITI-42) and checks the invariants; returns the status. */
  const provideMutated = async (
    mutate: (metadata: string) => string,
    transaction: 'ITI-41' | 'ITI-42' = 'ITI-41',
  ): Promise<string> => {
    const uniqueIds = new Map<string, string>();
    const metadata = instantiateXdsTemplate(TEMPLATE, { patient: record.cx, uniqueIds });
    const mutated = mutate(metadata);
    expect(mutated).not.toBe(metadata);
    const message =
      transaction === 'ITI-41'
        ? provideAndRegisterRequest(mutated, [{ id: 'Document01', bytes: DOCUMENT }])
        : soapCall(ACTIONS.register, mutated);
    const endpoint = transaction === 'ITI-41' ? 'repository' : 'registry';
    return expectSoapAnswer(message, uniqueIds.get('Document01'), endpoint);
  };

  const expectSoapAnswer = async (
    message: HttpBody,
    documentUniqueId?: string,
    endpoint: 'repository' | 'registry' = 'repository',
  ) => {
    const answer = await postSoap(bed.gateway, endpoint, message);
    expect(answer.status).toBeLessThan(500);
    expect(answer.raw.length).toBeLessThan(20_000);
    const fault = answer.body.ns === NS.soap12 && answer.body.local === 'Fault';
    const status = fault ? 'Fault' : statusOf(answer.body);
    if (documentUniqueId) {
      expect(await stored(documentUniqueId)).toBe(status === 'Success' ? 1 : 0);
    }
    return status;
  };

  describe.each(['ITI-41', 'ITI-42'] as const)('%s', (transaction) => {
    describe.each(indices(VALUE))('whose slot value #%i is replaced', (index) => {
      it.each(GARBAGE_VALUES)(
        'by %s: a SOAP answer, never 5xx, nothing stored if refused',
        (_, xml) =>
          provideMutated(
            (metadata) => rewriteNth(metadata, VALUE, index, () => `<rim:Value>${xml}</rim:Value>`),
            transaction,
          ),
      );
    });
  });

  it.each(indices(ELEMENT))(
    'an ITI-41 without its ebRIM element #%i: a SOAP answer, nothing stored if refused',
    (index) => provideMutated((metadata) => rewriteNth(metadata, ELEMENT, index, () => '')),
  );

  it.each(indices(ELEMENT))(
    'an ITI-41 whose ebRIM element #%i is inside a Value: a SOAP answer, nothing stored if refused',
    (index) =>
      provideMutated((metadata) =>
        rewriteNth(metadata, ELEMENT, index, (element) => `<rim:Value>${element}</rim:Value>`),
      ),
  );

  it.each(indices(ATTRIBUTE))(
    'an ITI-41 without its attribute #%i: a SOAP answer, nothing stored if refused',
    (index) => provideMutated((metadata) => rewriteNth(metadata, ATTRIBUTE, index, () => '')),
  );

  it.each(indices(SLOT))(
    'an ITI-41 with its slot #%i twice: a SOAP answer, nothing stored if refused',
    (index) =>
      provideMutated((metadata) => rewriteNth(metadata, SLOT, index, (slot) => slot + slot)),
  );

  it('refuses an impossible creationTime (2026-02-30), storing nothing', async () => {
    const status = await provideMutated((metadata) =>
      metadata.replace('<rim:Value>20051224</rim:Value>', '<rim:Value>20260230</rim:Value>'),
    );
    expect(status).toBe('Failure');
  });

  it('refuses a mimeType holding a line break (header injection), storing nothing', async () => {
    const status = await provideMutated((metadata) =>
      metadata.replace('mimeType="text/plain"', 'mimeType="text/plain&#13;&#10;X-Injected: 1"'),
    );
    expect(status).not.toBe('Success');
  });

  const envelope = (body: string) =>
    `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing">` +
    `<soap:Header><wsa:Action>${ACTIONS.register}</wsa:Action></soap:Header>${body}</soap:Envelope>`;
  const BROKEN_MESSAGES: readonly (readonly [label: string, contentType: string, body: string])[] =
    [
      ['not XML', 'application/soap+xml', 'this is not xml'],
      ['truncated XML', 'application/soap+xml', '<soap:Envelope xmlns:soap="http://www.w3.or'],
      ['a DTD', 'application/soap+xml', '<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'],
      [
        'an external entity',
        'application/soap+xml',
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      ],
      ['two Bodies', 'application/soap+xml', envelope('<soap:Body/><soap:Body/>')],
      ['no Body', 'application/soap+xml', envelope('')],
      ['an empty Body', 'application/soap+xml', envelope('<soap:Body/>')],
      [
        'SOAP 1.1',
        'text/xml',
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>',
      ],
      ['JSON', 'application/json', '{"resourceType":"Bundle"}'],
      ['an empty body', 'application/soap+xml', ''],
      ['a multipart without boundary', 'multipart/related; type="application/xop+xml"', '--x\r\n'],
      [
        'a multipart whose boundary never comes',
        'multipart/related; boundary="b"; type="application/xop+xml"',
        'garbage without any boundary',
      ],
    ];

  it.each(BROKEN_MESSAGES)(
    'a message that is %s: a SOAP answer, never 5xx',
    async (_l, type, body) => {
      const response = await request(`${bed.gateway.baseUrl}/xds/registry`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
        dispatcher: bed.gateway.agent('hopital-org'),
      });
      const text = await response.body.text();
      expect(response.statusCode).toBeLessThan(500);
      expect(response.statusCode).toBeGreaterThanOrEqual(200);
      expect(String(response.headers['content-type'])).toMatch(/xml|multipart/);
      expect(text).not.toMatch(/passwd|root:/);
    },
  );

  it('an ITI-41 whose document part is missing: refused, nothing stored', async () => {
    const uniqueIds = new Map<string, string>();
    const metadata = instantiateXdsTemplate(TEMPLATE, { patient: record.cx, uniqueIds });
    const message = provideAndRegisterRequest(metadata, []);
    expect(await expectSoapAnswer(message, uniqueIds.get('Document01'))).not.toBe('Success');
  });

  it('an ITI-18 naming an unknown stored query with a huge slot: a bounded SOAP answer', async () => {
    const body =
      `<query:AdhocQueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">` +
      `<query:ResponseOption returnType="LeafClass"/><rim:AdhocQuery id="urn:uuid:${'0'.repeat(8)}">` +
      `<rim:Slot name="$XDSDocumentEntryPatientId"><rim:ValueList><rim:Value>'${'x'.repeat(200_000)}'</rim:Value></rim:ValueList></rim:Slot>` +
      `</rim:AdhocQuery></query:AdhocQueryRequest>`;
    const answer = await postSoap(
      bed.gateway,
      'registry',
      soapCall(ACTIONS.storedQuery, body),
      'medecin-generaliste',
    );
    expect(answer.status).toBeLessThan(500);
    expect(answer.raw.length).toBeLessThan(20_000);
    expect(childOf(answer.body, NS.rs, 'RegistryErrorList') ?? answer.body).toBeDefined();
  });
});
