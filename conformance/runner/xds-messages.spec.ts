import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSoapMessage } from './multipart';
import { NS, XmlElement, childOf, childrenOf, parseXml } from './xml';
import {
  ebrs30,
  freshUniqueId,
  instantiateXdsTemplate,
  mtomRequest,
  nationalCodes,
  provideAndRegisterRequest,
} from './xds-messages';

const NIST = join(__dirname, '..', 'fixtures', 'xds', 'nist-toolkit', 'testkit');
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

describe('national codes of an instantiated template', () => {
  const codes = (xml: string) =>
    childrenOf(
      registryObjects(xml).find((o) => o.local === 'ExtrinsicObject')!,
      NS.rim,
      'Classification',
    )
      .filter((c) => c.attributes.nodeRepresentation)
      .map((c) => {
        const slot = childrenOf(c, NS.rim, 'Slot').find(
          (s) => s.attributes.name === 'codingScheme',
        );
        const value = childOf(childOf(slot!, NS.rim, 'ValueList')!, NS.rim, 'Value')!.text;
        return `${c.attributes.classificationScheme.slice(-12)} ${c.attributes.nodeRepresentation}@${value}`;
      });

  it('replaces the Connectathon codes by national ones, keeping those in national systems', () => {
    const xml = instantiateXdsTemplate(template('11966', 'submit', 'single_doc.xml'), {
      patient: PATIENT,
    });
    expect(codes(xml)).toEqual([
      'e362475b143a 10@1.2.250.1.213.1.1.4.1',
      'f2705394840f V@2.16.840.1.113883.5.25',
      '9c3699a4309d urn:ihe:iti:xds:2017:mimeTypeSufficient@1.3.6.1.4.1.19376.1.2.3',
      'ed0b0bdb91e1 SA01@1.2.250.1.71.4.2.4',
      'ae952c785ead ETABLISSEMENT@1.2.250.1.213.1.1.4.9',
      'c59651d33983 11369-6@2.16.840.1.113883.6.1',
    ]);
  });

  it('keeps a code of another national system of the attribute (a DMP restriction code)', () => {
    const xml =
      '<rim:Classification classificationScheme="urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f" nodeRepresentation="MASQUE_PS">' +
      '<rim:Slot name="codingScheme"><rim:ValueList><rim:Value>1.2.250.1.213.1.1.4.13</rim:Value></rim:ValueList></rim:Slot>' +
      '</rim:Classification>';
    expect(nationalCodes(xml)).toBe(xml);
  });

  it('gives a contentTypeCode outside the systems of JDV_J59 a TRE_R209 one, keeping those inside', () => {
    const contentType = (scheme: string, code: string, system: string) =>
      `<rim:Classification classificationScheme="${scheme}" nodeRepresentation="${code}">` +
      `<rim:Slot name="codingScheme"><rim:ValueList><rim:Value>${system}</rim:Value></rim:ValueList></rim:Slot>` +
      '</rim:Classification>';
    const scheme = 'urn:uuid:aa543740-bdda-424e-8c96-df4873be8500';
    expect(nationalCodes(contentType(scheme, '34133-9', '2.16.840.1.113883.6.1'))).toBe(
      contentType(scheme, '07', '1.2.250.1.213.2.2'),
    );
    const spaced = 'urn:uuid:aa543740-bdda-424e-8c96- df4873be8500';
    expect(nationalCodes(contentType(spaced, 'History', 'Connect-a-thon contentTypeCodes'))).toBe(
      contentType(spaced, '07', '1.2.250.1.213.2.2'),
    );
    const national = contentType(scheme, '04', '1.2.250.1.213.2.2');
    expect(nationalCodes(national)).toBe(national);
  });

  it('writes the national labels in ASCII, so that a latin1 capture stays UTF-8', () => {
    const xml =
      '<Classification classificationScheme="urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1" nodeRepresentation="Outpatient">' +
      '<Name><LocalizedString value="Outpatient"/></Name>' +
      '<Slot name="codingScheme"><ValueList><Value>Connect-a-thon healthcareFacilityTypeCodes</Value></ValueList></Slot>' +
      '</Classification>';
    expect(nationalCodes(xml)).toBe(
      '<Classification classificationScheme="urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1" nodeRepresentation="SA01">' +
        '<Name><LocalizedString value="Etablissement public de sant&#233;"/></Name>' +
        '<Slot name="codingScheme"><ValueList><Value>1.2.250.1.71.4.2.4</Value></ValueList></Slot>' +
        '</Classification>',
    );
  });
});

describe('request packaging', () => {
  it('draws OIDs on the UUID-derived 2.25 arc, within the 64 characters XDS allows', () => {
    const oid = freshUniqueId();
    expect(oid).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(oid.length).toBeLessThanOrEqual(64);
    expect(freshUniqueId()).not.toBe(oid);
  });

  it('packages MTOM with a WCF-style boundary that a MIME reader takes apart again', () => {
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
    const read = readSoapMessage(message.body, message.contentType);
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
