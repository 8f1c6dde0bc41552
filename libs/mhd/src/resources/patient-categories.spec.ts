import { DomainError } from '@passerelle/domain';
import valueSets from '../../../../fixtures/terminology/value-sets.json';
import { documentSearchFrom } from '../iti-67-find-document-references/find-document-references';
import {
  PATIENT_CATEGORIES,
  PATIENT_CATEGORY_SYSTEM,
  classSearchOf,
  patientCategoryOf,
} from './patient-categories';

const TRE_A03 = '1.2.250.1.213.1.1.4.1';
const J57_CLASSES = Object.keys(valueSets.valueSets.classCode.codes[TRE_A03]);
const patient = 'urn:oid:1.2.250.1.213.1.4.10|277069912345674';

const categorySearch = (category: string) =>
  documentSearchFrom({ 'patient.identifier': patient, category }, 100).filter;

describe('Patient categories of Mon espace santé (fixtures/terminology/patient-categories.json)', () => {
  it('puts every TRE_A03 class we know in exactly one category, each with a code and a French display', () => {
    const listed = PATIENT_CATEGORIES.flatMap((category) => category.classCodes);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...J57_CLASSES].sort());
    for (const code of J57_CLASSES) {
      const holders = PATIENT_CATEGORIES.filter((category) => category.classCodes.includes(code));
      expect(holders).toHaveLength(1);
      expect(patientCategoryOf({ code, codeSystem: TRE_A03 })).toBe(holders[0]);
    }
    for (const category of PATIENT_CATEGORIES) {
      expect(category.code).toMatch(/^[a-z-]+$/);
      expect(category.display.length).toBeGreaterThan(0);
    }
  });

  it('shows a class it does not list, or a code of another system, under "autres"', () => {
    expect(patientCategoryOf({ code: '99', codeSystem: TRE_A03 }).code).toBe('autres');
    expect(patientCategoryOf({ code: '11', codeSystem: '1.2.3.4' }).code).toBe('autres');
    expect(patientCategoryOf({ code: '11', codeSystem: TRE_A03 }).code).toBe('syntheses');
  });

  it('expands a category of the `category` search to its TRE_A03 classes', () => {
    const filter = categorySearch(`${PATIENT_CATEGORY_SYSTEM}|traitements-et-soins`);
    expect(filter.classCodes).toEqual(
      ['42', '43', '44', '45'].map((code) => ({ code, codeSystem: TRE_A03 })),
    );
    expect(filter.classCodesOutside).toBeUndefined();
  });

  it('searches "autres" as any class the other categories do not list, ORed with the rest of the parameter', () => {
    const filter = categorySearch(`urn:oid:${TRE_A03}|10,${PATIENT_CATEGORY_SYSTEM}|autres`);
    expect(filter.classCodes).toEqual([{ code: '10', codeSystem: TRE_A03 }]);
    expect(filter.classCodesOutside?.map((c) => c.code).sort()).toEqual(
      ['10', '11', '31', '42', '43', '44', '45', '52', '90'].sort(),
    );
    expect(filter.classCodesOutside?.every((c) => c.codeSystem === TRE_A03)).toBe(true);
  });

  it('keeps class-code tokens as they are', () => {
    const filter = categorySearch(`urn:oid:${TRE_A03}|11,52`);
    expect(filter.classCodes).toEqual([{ code: '11', codeSystem: TRE_A03 }, { code: '52' }]);
    expect(filter.classCodesOutside).toBeUndefined();
    expect(classSearchOf(undefined)).toEqual({});
  });

  it('refuses a category code that does not exist (400 METADATA_INVALID)', () => {
    const search = () => categorySearch(`${PATIENT_CATEGORY_SYSTEM}|biologie-et-imagerie`);
    expect(search).toThrow(DomainError);
    expect(search).toThrow(/Unknown category biologie-et-imagerie/);
    try {
      search();
    } catch (error) {
      expect((error as DomainError).catalogue.httpStatus).toBe(400);
    }
  });
});
