import { DOMParser, type Element } from '@xmldom/xmldom';
import { Fhir } from 'fhir';
import type { DocumentReference } from 'fhir/r4';
import { provideBundle } from '@passerelle/testing';
import { DmpRecord, DmpTestBed } from './support/dmp-test-bed';

/**
 * The MHD door as FHIR R4 says (issue 12): XML requests and answers, `_format` and Accept, and
 * `Prefer: handling=` for search parameters it does not know, the ITI-65 profiles it serves.
 */
describe('The MHD door as FHIR R4 and MHD say: XML, search handling, profiles', () => {
  let bed: DmpTestBed;
  const fhir = new Fhir();

  beforeAll(async () => {
    bed = await DmpTestBed.start();
  });

  afterAll(() => bed.close());

  const send = (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
    who = 'hopital-org',
  ) =>
    fetch(`${bed.gateway.fhirUrl}${path}`, {
      method,
      headers,
      body,
      dispatcher: bed.agent(who),
    } as unknown as RequestInit);

  const rootOf = (xml: string): Element => {
    const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement;
    if (!root) throw new Error(`not XML: ${xml.slice(0, 200)}`);
    return root;
  };

  const valueOf = (root: Element, name: string) =>
    Array.from(root.childNodes)
      .filter((node): node is Element => (node as Element).localName === name)
      .map((element) => element.getAttribute('value'))[0];

  const searchPath = (record: DmpRecord, extra = '') =>
    `/DocumentReference?patient.identifier=${encodeURIComponent(record.token)}${extra}`;

  const xmlBundleFor = (record: DmpRecord, title: string) =>
    fhir.objToXml(
      provideBundle(record.token, [{ title, content: Buffer.from(title), supplyHash: true }]),
    );

  it('stores an ITI-65 Bundle sent in XML as the same one sent in JSON would be', async () => {
    const record = await bed.newRecord();
    const answer = await send(
      'POST',
      '',
      { 'content-type': 'application/fhir+xml', accept: 'application/fhir+json' },
      xmlBundleFor(record, 'CR en XML'),
    );
    expect(answer.status).toBe(200);
    const found = await bed.search('medecin-generaliste', record);
    expect(found.body.total).toBe(1);
    const document = found.body.entry![0].resource as unknown as {
      content: { attachment: { title: string } }[];
    };
    expect(document.content[0].attachment.title).toBe('CR en XML');
  });

  it('answers in XML for _format=xml and for Accept: application/fhir+xml, in JSON otherwise', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{ title: 'CR lu en XML' }]);

    const byFormat = await send(
      'GET',
      searchPath(record, '&_format=xml'),
      {},
      undefined,
      'medecin-generaliste',
    );
    expect(byFormat.headers.get('content-type')).toBe('application/fhir+xml; charset=utf-8');
    const bundle = rootOf(await byFormat.text());
    expect([bundle.localName, bundle.namespaceURI]).toEqual(['Bundle', 'http://hl7.org/fhir']);
    expect(valueOf(bundle, 'total')).toBe('1');

    const byAccept = await send(
      'GET',
      searchPath(record),
      { accept: 'application/fhir+json;q=0.5, application/fhir+xml' },
      undefined,
      'medecin-generaliste',
    );
    expect(byAccept.headers.get('content-type')).toBe('application/fhir+xml; charset=utf-8');
    const asJson = JSON.parse(fhir.xmlToJson(await byAccept.text())) as { total: number };
    expect(asJson.total).toBe(1);

    const json = await send(
      'GET',
      searchPath(record),
      { accept: '*/*' },
      undefined,
      'medecin-generaliste',
    );
    expect(json.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
  });

  it('answers failures in the negotiated format, and an unknown _format with 406 in JSON, audited', async () => {
    const record = await bed.newRecord();
    const missing = await send(
      'GET',
      '/DocumentReference/absent?_format=application/fhir+xml',
      {},
      undefined,
      'medecin-generaliste',
    );
    expect(missing.status).toBe(404);
    expect(rootOf(await missing.text()).localName).toBe('OperationOutcome');

    const html = await send(
      'GET',
      searchPath(record, '&_format=html'),
      {},
      undefined,
      'medecin-generaliste',
    );
    expect(html.status).toBe(406);
    expect(await html.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'not-supported', diagnostics: expect.stringContaining('_format=html') }],
    });
    const { rows } = await bed.database.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_event
        WHERE transaction = 'GET /fhir/DocumentReference' AND http_status = 406`,
    );
    expect(Number(rows[0].n)).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['not well-formed', (xml: string) => xml.replace('</Bundle>', '')],
    [
      'with a DTD',
      (xml: string) =>
        `<!DOCTYPE Bundle [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml.replace(/^<\?xml[^>]*\?>/, '')}`,
    ],
    [
      'outside the FHIR namespace',
      (xml: string) => xml.replace('xmlns="http://hl7.org/fhir"', 'xmlns="urn:other"'),
    ],
    [
      'with an element R4 does not know',
      (xml: string) =>
        xml.replace('<type value="transaction"/>', '<type value="transaction"/><bogus value="x"/>'),
    ],
    [
      'with a value of the wrong type',
      (xml: string) => xml.replace(/<size value="\d+"\/>/, '<size value="large"/>'),
    ],
  ])('refuses a Bundle %s: 400 structure, nothing stored', async (_case, spoil) => {
    const record = await bed.newRecord();
    const answer = await send(
      'POST',
      '',
      { 'content-type': 'application/fhir+xml' },
      spoil(xmlBundleFor(record, 'CR refusé')),
    );
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ issue: [{ code: 'structure' }] });
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(0);
  });

  it('names the unknown element it refuses', async () => {
    const record = await bed.newRecord();
    const xml = xmlBundleFor(record, 'CR').replace(
      '<type value="transaction"/>',
      '<type value="transaction"/><bogus value="x"/>',
    );
    const answer = await send('POST', '', { 'content-type': 'application/fhir+xml' }, xml);
    const outcome = (await answer.json()) as { issue: { diagnostics: string }[] };
    expect(outcome.issue[0].diagnostics).toContain('R4 does not allow bogus where sent');
  });

  it('declares both formats in its CapabilityStatement, and serves it in XML', async () => {
    const statement = await send('GET', '/metadata?_format=xml');
    const root = rootOf(await statement.text());
    expect(root.localName).toBe('CapabilityStatement');
    const formats = Array.from(root.childNodes)
      .filter((node): node is Element => (node as Element).localName === 'format')
      .map((element) => element.getAttribute('value'));
    expect(formats).toEqual(['application/fhir+json', 'application/fhir+xml']);
  });

  it('refuses an unknown search parameter by default, ignores it under Prefer: handling=lenient', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{ title: 'CR cherché' }]);
    const path = searchPath(record, '&colour=red');
    const strict = await send('GET', path, {}, undefined, 'medecin-generaliste');
    expect(strict.status).toBe(400);
    expect(await strict.text()).toContain('Unsupported search parameter(s): colour');

    const lenient = await send(
      'GET',
      path,
      { prefer: 'handling=lenient' },
      undefined,
      'medecin-generaliste',
    );
    expect(lenient.status).toBe(200);
    const bundle = (await lenient.json()) as {
      total: number;
      link: { relation: string; url: string }[];
    };
    expect(bundle.total).toBe(1);
    const self = bundle.link.find((link) => link.relation === 'self')!.url;
    expect(self).not.toContain('colour');
    expect(self).toContain('patient.identifier=');
  });

  it('refuses an ITI-65 declaring a retired MHD 3.x profile: 422 at Bundle.meta.profile, nothing stored', async () => {
    const record = await bed.newRecord();
    const bundle = {
      ...provideBundle(record.token, [{ title: 'CR MHD 3' }]),
      meta: {
        profile: [
          'http://ihe.net/fhir/StructureDefinition/IHE_MHD_Provide_Comprehensive_DocumentBundle',
        ],
      },
    };
    const answer = await bed.call('hopital-org', 'POST', '', bundle);
    expect(answer.status).toBe(422);
    expect(answer.body.issue).toEqual([
      expect.objectContaining({ code: 'not-supported', expression: ['Bundle.meta.profile'] }),
    ]);
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(0);
  });

  it('returns relatesTo on read and in searches: the replacement names the document it replaces', async () => {
    const record = await bed.newRecord();
    const original = await bed.provide(record, [{ title: 'CR v1' }]);
    const [originalId] = original.documentIds;
    const replacement = await bed.provide(record, [{ title: 'CR v2', replaces: originalId }]);
    const [replacementId] = replacement.documentIds;

    const read = await bed.call(
      'medecin-generaliste',
      'GET',
      `/DocumentReference/${replacementId}`,
    );
    expect(read.body.relatesTo).toEqual([
      { code: 'replaces', target: { reference: `DocumentReference/${originalId}` } },
    ]);
    const found = await bed.search('medecin-generaliste', record, '&status=current');
    const current = found.body.entry!.map(
      (entry) => entry.resource as unknown as { id: string; relatesTo?: unknown },
    );
    expect(current).toEqual([
      expect.objectContaining({ id: replacementId, relatesTo: read.body.relatesTo }),
    ]);
    const old = await bed.call('medecin-generaliste', 'GET', `/DocumentReference/${originalId}`);
    expect(old.body.relatesTo).toBeUndefined();
  });

  it('audits a search with the documents of the page it answered, and an empty one with none', async () => {
    const record = await bed.newRecord();
    await bed.provide(record, [{ title: 'un' }, { title: 'deux' }]);
    const page = await bed.search('medecin-generaliste', record, '&_count=1');
    expect(page.body.total).toBe(2);
    const shown = (page.body.entry ?? []).map(
      (entry) => (entry.resource as DocumentReference).masterIdentifier?.value,
    );
    expect(shown).toHaveLength(1);
    const none = await bed.search('medecin-generaliste', record, '&type=http://loinc.org|0-0');
    expect(none.body.total).toBe(0);
    const { rows } = await bed.database.query<{ documents: string[]; outcome: string }>(
      `SELECT documents, outcome FROM audit_event
        WHERE patient_key = $1 AND transaction = 'ITI-67' ORDER BY recorded_at`,
      [record.key],
    );
    expect(rows).toEqual([
      { documents: shown.map((value) => value!.replace(/^urn:oid:/, '')), outcome: 'allowed' },
      { documents: [], outcome: 'allowed' },
    ]);
  });

  it('leaves out of relatesTo, in searches, a document the caller may not see', async () => {
    const record = await bed.newRecord();
    const hidden = await bed.provide(record, [
      { title: 'masqué', authorId: '810000000025', securityLabels: ['N', 'MASQUE_PS'] },
    ]);
    const [hiddenId] = hidden.documentIds;
    const replacement = await bed.provide(record, [{ title: 'CR', replaces: hiddenId }]);
    const found = await bed.search('medecin-generaliste', record);
    const resources = found.body.entry!.map(
      (entry) => entry.resource as unknown as { id: string; relatesTo?: unknown },
    );
    expect(resources).toHaveLength(1);
    expect(resources[0].id).toBe(replacement.documentIds[0]);
    expect(resources[0].relatesTo).toBeUndefined();
  });
});
