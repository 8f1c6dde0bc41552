import { Professional, SECTOR, practisesForAnInsurer, withMergedExercises } from './professional';

const doctor = (...sectorCodes: string[]): Professional => ({
  idNat: '810000000041',
  family: 'GARNIER',
  given: 'Anne',
  professionCode: '10',
  exercises: sectorCodes.map((sectorCode, i) => ({ structureId: `3${i}`, sectorCode })),
});

describe('professional', () => {
  it('tells a health-insurance médecin-conseil or an insurer’s physician', () => {
    expect(practisesForAnInsurer(doctor('SA07', SECTOR.SOCIAL_SECURITY))).toBe(true);
    expect(practisesForAnInsurer(doctor(SECTOR.PRIVATE_INSURANCE))).toBe(true);
    expect(practisesForAnInsurer(doctor('SA07', SECTOR.OCCUPATIONAL_HEALTH))).toBe(false);
  });

  it('merges exercises once each, keeping a specialty only the earlier record had', () => {
    const earlier = { ...doctor('SA07'), specialtyCode: 'SM26' };
    const merged = withMergedExercises(earlier, doctor('SA07', 'SA24'));
    expect(merged.specialtyCode).toBe('SM26');
    expect(merged.exercises).toEqual([
      { structureId: '30', sectorCode: 'SA07' },
      { structureId: '31', sectorCode: 'SA24' },
    ]);
  });
});
