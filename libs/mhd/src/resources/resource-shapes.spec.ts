import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shapeOf } from './fhir-shape';
import { bundle, jsonPatch, patient } from './resource-shapes';

const ROOT = join(__dirname, '../../../..');
const json = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

describe('the FHIR shapes against published and example resources', () => {
  it.each([
    'fixtures/mhd/ok/ipf-iti65-comprehensive.json',
    'fixtures/mhd/ok/ans-pdsm-iti65-replace.json',
    'fixtures/mhd/ok/ans-pdsm4dmp-td2-iti65-lot-soumission.json',
    'examples/iti65-provide-bundle.json',
  ])('lets the ITI-65 Bundle %s through', (path) => {
    expect(shapeOf(bundle, json(path), 'Bundle')).toMatchObject({ ok: true });
  });

  it('lets the README examples of a Patient and a JSON Patch through', () => {
    expect(shapeOf(patient, json('examples/patient.json'), 'Patient')).toMatchObject({ ok: true });
    expect(shapeOf(jsonPatch, json('examples/patch-archive.json'), 'JSONPatch')).toMatchObject({
      ok: true,
    });
  });
});
