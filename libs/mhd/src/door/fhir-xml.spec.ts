import { DomainError } from '@passerelle/domain';
import { fhirXmlOf, resourceFromFhirXml } from './fhir-xml';

const PATIENT =
  '<Patient xmlns="http://hl7.org/fhir"><id value="p1"/>' +
  '<text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>Jeanne &amp; <b>Anaïs</b></p></div></text>' +
  '<identifier><system value="urn:oid:1.2.250.1.213.1.4.8"/><value value="123"/></identifier>' +
  '<active value="true"/><name><given value="Jeanne"/><given value="Anaïs"/></name>' +
  '<birthDate value="1980-02-01"><extension url="urn:x"><valueString value="v"/></extension></birthDate>' +
  '</Patient>';

function refusalOf(xml: string): string {
  try {
    resourceFromFhirXml(xml);
  } catch (error) {
    if (error instanceof DomainError && error.code === 'MALFORMED_REQUEST') return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('FHIR XML', () => {
  it('reads a resource with typed values, repeated elements, primitive extensions and XHTML', () => {
    expect(resourceFromFhirXml(PATIENT)).toEqual({
      resourceType: 'Patient',
      id: 'p1',
      text: {
        status: 'generated',
        div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Jeanne &amp; <b>Anaïs</b></p></div>',
      },
      identifier: [{ system: 'urn:oid:1.2.250.1.213.1.4.8', value: '123' }],
      active: true,
      name: [{ given: ['Jeanne', 'Anaïs'] }],
      birthDate: '1980-02-01',
      _birthDate: { extension: [{ url: 'urn:x', valueString: 'v' }] },
    });
  });

  it('writes it back as it was read', () => {
    expect(fhirXmlOf(resourceFromFhirXml(PATIENT))).toContain(PATIENT.slice(0, 60));
    expect(resourceFromFhirXml(fhirXmlOf(resourceFromFhirXml(PATIENT)))).toEqual(
      resourceFromFhirXml(PATIENT),
    );
  });

  it.each([
    ['a DTD', `<!DOCTYPE Patient [<!ENTITY e "x">]>${PATIENT}`, /DTDs/],
    ['XML that is not well-formed', PATIENT.replace('</Patient>', ''), /not FHIR XML/],
    ['an empty body', '', /not FHIR XML/],
    [
      'a root outside the FHIR namespace',
      PATIENT.replace('http://hl7.org/fhir', 'urn:x'),
      /namespace/,
    ],
    ['an unknown resource type', '<Foo xmlns="http://hl7.org/fhir"/>', /Unknown resource type/],
    ['a boolean that is not one', PATIENT.replace('"true"', '"maybe"'), /boolean/],
    [
      'unknown elements',
      PATIENT.replace('<active', '<bogus value="1"/><nope/><active'),
      /R4 does not allow bogus, nope where sent/,
    ],
  ])('refuses %s', (_case, xml, reason) => {
    expect(refusalOf(xml)).toMatch(reason);
  });
});
