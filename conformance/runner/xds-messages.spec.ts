import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readSoapRequest } from '../../libs/xds/src/transport/mime';
import { NS, XmlElement, childOf, childrenOf } from '../../libs/xds/src/xml/xml-element';
import { parseXml } from '../../libs/xds/src/xml/xml-parser';
import {
  ebrs30,
  freshUniqueId,
  instantiateXdsTemplate,
  mtomRequest,
  provideAndRegisterRequest,
} from './xds-messages';

const NIST = join(__dirname, '..', '..', 'fixtures', 'xds', 'nist-toolkit', 'testkit');
const template = (...path: string[]) => readFileSync(join(NIST, ...path), 'utf8');
const PATIENT = '185037512345625^^^&1.2.250.1.213.1.4.10&ISO';

function registryObjects(xml: string): readonly XmlElement[] {
  return childOf(parseXml(xml), NS.rim, 'RegistryObjectList')!.children;
}

function uniqueIdOf(object: XmlElement): string | undefined {
  return childrenOf(object, NS.rim, 'ExternalIdentifier').find((identifier) =>
    [
      'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
      'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8',
    ].includes(identifier.attributes.identificationScheme),
  )?.attributes.value;
}

describe('NIST template instantiation', () => {
  it('rewrites an ebRIM 2.1 template as ebRIM 3.0 that parses, with ids on every classification', () => {
    const xml = ebrs30(template('11990', 'submit', 'single_doc.xml'));
    const root = parseXml(xml);
    expect(root.ns).toBe(NS.lcm);
    const objects = registryObjects(xml);
    const entry = objects.find((object) => object.local === 'ExtrinsicObject')!;
    expect(
      childrenOf(entry, NS.rim, 'Classification').every((c) => /^urn:uuid:/.test(c.attributes.id)),
    ).toBe(true);
    const association = objects.find((object) => object.local === 'Association')!;
    expect(association.attributes.associationType).toBe(
      'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember',
    );
  });

  it('binds the patient (escaped) and draws one uniqueId per object, recorded by object id', () => {
    const uniqueIds = new Map<string, string>();
    const xml = instantiateXdsTemplate(template('12346', 'two_doc_w_fol', 'two_doc_w_fol.xml'), {
      patient: PATIENT,
      uniqueIds,
    });
    expect(xml).toContain('185037512345625^^^&amp;1.2.250.1.213.1.4.10&amp;ISO');
    expect(xml).not.toContain('$patientid$');
    const documents = registryObjects(xml).filter((object) => object.local === 'ExtrinsicObject');
    const [first, second] = documents.map(uniqueIdOf);
    // Both entries carry the symbol Document01_uniqueid in the template.
    expect(first).not.toBe(second);
    expect(uniqueIds.get('Document01')).toBe(first);
    expect(uniqueIds.get('Document02')).toBe(second);
  });

  it('keeps uniqueIds given in advance, and OIDs already in the template', () => {
    const uniqueIds = new Map([['Document01', '1.2.3.4.5']]);
    const xml = instantiateXdsTemplate(template('11966', 'submit', 'single_doc.xml'), {
      patient: PATIENT,
      uniqueIds,
    });
    expect(uniqueIdOf(registryObjects(xml).find((o) => o.local === 'ExtrinsicObject')!)).toBe(
      '1.2.3.4.5',
    );
    expect(uniqueIds.get('SubmissionSet01')).toMatch(/^2\.25\.\d+$/);
  });

  it('assigns entryUUIDs to symbolic ids and rewrites every reference to them', () => {
    const entryUuids = new Map<string, string>();
    const xml = instantiateXdsTemplate(template('11992', 'submit', 'metadata.xml'), {
      patient: PATIENT,
      entryUuids,
    });
    const document = entryUuids.get('Document01')!;
    expect(document).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(xml).not.toMatch(/"Document01"|"SubmissionSet01"/);
    const objects = registryObjects(xml);
    expect(objects.find((o) => o.local === 'ExtrinsicObject')!.attributes.id).toBe(document);
    expect(objects.find((o) => o.local === 'Association')!.attributes.targetObject).toBe(document);
  });
});

describe('request packaging', () => {
  it('draws OIDs on the UUID-derived 2.25 arc, within the 64 characters XDS allows', () => {
    const oid = freshUniqueId();
    expect(oid).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(oid.length).toBeLessThanOrEqual(64);
    expect(freshUniqueId()).not.toBe(oid);
  });

  it('packages MTOM with a WCF-style boundary that a MIME reader takes apart again', async () => {
    const bytes = Buffer.from([0, 13, 10, 45, 45, 255]);
    const message = mtomRequest(
      '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"/>',
      [{ contentId: 'part@test', contentType: 'application/octet-stream', bytes }],
      {
        boundary: 'uuid:898b3ded-c057-48c5-9f07-43a15680b58d+id=5',
        rootContentId: 'http://tempuri.org/0',
      },
    );
    expect(message.contentType).toContain(
      'boundary="uuid:898b3ded-c057-48c5-9f07-43a15680b58d+id=5"',
    );
    const read = await readSoapRequest(Readable.from([message.body]), message.contentType, {
      maxRequestBytes: 1 << 20,
      maxPartBytes: 1 << 20,
    });
    expect(parseXml(read.root).local).toBe('Envelope');
    expect(read.attachments.get('part@test')!.body.equals(bytes)).toBe(true);
  });

  it('sends ITI-41 documents inline as base64 when asked', () => {
    const request = provideAndRegisterRequest(
      '<x/>',
      [{ id: 'Document01', bytes: Buffer.from('abc') }],
      'inline',
    );
    expect(request.contentType).toMatch(/^application\/soap\+xml/);
    const body = childOf(parseXml(request.body), NS.soap12, 'Body')!.children[0];
    expect(childOf(body, NS.xdsb, 'Document')!.text).toBe(Buffer.from('abc').toString('base64'));
  });
});
