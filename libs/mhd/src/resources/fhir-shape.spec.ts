import { DomainError } from '@passerelle/domain';
import { provideBundle } from '@passerelle/testing';
import { MAX_SHAPE_ISSUES, checkedShape, shapeOf } from './fhir-shape';
import { bundle, documentReference, jsonPatch, parameters, patient } from './resource-shapes';

const PATIENT = 'urn:oid:1.2.250.1.213.1.4.10|277069912345674';

/** The ITI-65 Bundle the test bed sends, each element at a dotted path set to its value. */
function aBundle(changes: Record<string, unknown> = {}): unknown {
  const document = JSON.parse(JSON.stringify(provideBundle(PATIENT, [{ title: 'CR' }]))) as unknown;
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const parent = keys
      .slice(0, -1)
      .reduce((node, key) => (node as Record<string, unknown>)[key], document);
    (parent as Record<string, unknown>)[keys[keys.length - 1]] = value;
  }
  return document;
}

const issuesOf = (shape: Parameters<typeof shapeOf>[0], value: unknown, root: string) => {
  const shaped = shapeOf(shape, value, root);
  return shaped.ok ? [] : shaped.issues.map(({ code, location }) => ({ code, location }));
};

describe('FHIR shapes at the door', () => {
  it('lets the ITI-65 Bundle the test bed builds through, unchanged', () => {
    const valid = aBundle();
    expect(checkedShape(bundle, valid, 'Bundle')).toEqual(valid);
  });

  it('names each element of the wrong JSON kind, FHIRPath-like, as a structure issue', () => {
    const broken = aBundle({
      'entry.1.resource.author': { reference: '#author' },
      'entry.1.resource.content.0.attachment.contentType': 42,
      'entry.0.resource.identifier': [null],
      'entry.1.resource.status': {},
      'entry.2': null,
    });
    expect(issuesOf(bundle, broken, 'Bundle')).toEqual([
      { code: 'structure', location: 'Bundle.entry[0].resource.identifier[0]' },
      { code: 'structure', location: 'Bundle.entry[1].resource.status' },
      { code: 'structure', location: 'Bundle.entry[1].resource.author' },
      { code: 'structure', location: 'Bundle.entry[1].resource.content[0].attachment.contentType' },
      { code: 'structure', location: 'Bundle.entry[2]' },
    ]);
  });

  it('checks contained resources by their own type', () => {
    const broken = aBundle({
      'entry.1.resource.contained.0.identifier': 'x',
      'entry.1.resource.contained.1': 42,
    });
    expect(issuesOf(bundle, broken, 'Bundle')).toEqual([
      { code: 'structure', location: 'Bundle.entry[1].resource.contained[0].identifier' },
      { code: 'structure', location: 'Bundle.entry[1].resource.contained[1]' },
    ]);
  });

  it('refuses impossible dates, unknown codes and malformed media types as value issues', () => {
    const broken = aBundle({
      'entry.1.resource.content.0.attachment.creation': '2026-02-30T10:00:00Z',
      'entry.1.resource.context.period.start': '2026-01-01T25:00:00Z',
      'entry.1.resource.status': 'draft',
      'entry.2.resource.contentType': 'text/plain\r\nX-Injected: 1',
    });
    expect(issuesOf(bundle, broken, 'Bundle')).toEqual([
      { code: 'value', location: 'Bundle.entry[1].resource.status' },
      { code: 'value', location: 'Bundle.entry[1].resource.content[0].attachment.creation' },
      { code: 'value', location: 'Bundle.entry[1].resource.context.period.start' },
      { code: 'value', location: 'Bundle.entry[2].resource.contentType' },
    ]);
  });

  it('says what is missing where FHIR requires it', () => {
    const broken = aBundle({
      'entry.0.resource.entry.0.item': undefined,
      'entry.2.resource.contentType': undefined,
    });
    expect(issuesOf(bundle, broken, 'Bundle')).toEqual([
      { code: 'required', location: 'Bundle.entry[0].resource.entry[0].item' },
      { code: 'required', location: 'Bundle.entry[2].resource.contentType' },
    ]);
  });

  it('reports at most MAX_SHAPE_ISSUES problems, as one 400 listing them', () => {
    const many = { resourceType: 'Patient', identifier: Array.from({ length: 500 }, () => 42) };
    expect(issuesOf(patient, many, 'Patient')).toHaveLength(MAX_SHAPE_ISSUES);
    const refusal = (() => {
      try {
        return checkedShape(patient, many, 'Patient');
      } catch (error) {
        return error as DomainError;
      }
    })() as DomainError;
    expect(refusal.catalogue).toMatchObject({ httpStatus: 400, fhirIssueCode: 'structure' });
    expect(refusal.details).toHaveLength(MAX_SHAPE_ISSUES);
    expect(refusal.details[99]).toMatchObject({ location: 'Patient.identifier[99]' });
  });

  it('checks the Parameters of an operation, nested parts included', () => {
    const broken = {
      resourceType: 'Parameters',
      parameter: [{ name: 'validUntil', valueDate: '2026-02-29' }, { part: [{ name: 1 }] }],
    };
    expect(issuesOf(parameters, broken, 'Parameters')).toEqual([
      { code: 'value', location: 'Parameters.parameter[0].valueDate' },
      { code: 'required', location: 'Parameters.parameter[1].name' },
      { code: 'structure', location: 'Parameters.parameter[1].part[0].name' },
    ]);
  });

  it('checks a JSON Patch and a DocumentReference it produced', () => {
    expect(issuesOf(jsonPatch, [{ op: 'delete', path: '/status' }], 'JSONPatch')).toEqual([
      { code: 'value', location: 'JSONPatch[0].op' },
    ]);
    const patched = { resourceType: 'DocumentReference', securityLabel: 'N', status: 'current' };
    expect(issuesOf(documentReference, patched, 'DocumentReference')).toEqual([
      { code: 'structure', location: 'DocumentReference.securityLabel' },
    ]);
  });
});
