import { InMemoryPasserelle, aMedecin, aPharmacien, failed, succeeded } from '@passerelle/testing';

describe('DeclareMedecinTraitant', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const patient = await passerelle.givenRecord();
    return { passerelle, patient, medecin: aMedecin() };
  };

  it('refuses a médecin without the patient’s authorisation (FORBIDDEN NO_AUTHORISATION), writing nothing', async () => {
    const { passerelle, patient, medecin } = await setUp();
    const write = jest.spyOn(passerelle.accessState, 'declareMedecinTraitant');
    const outcome = await passerelle.declareMedecinTraitant.execute(medecin, {
      patientKey: patient.key,
    });
    const error = failed(outcome);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/\(NO_AUTHORISATION\)$/);
    expect(write).not.toHaveBeenCalled();
    expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'NO_AUTHORISATION' });
  });

  it('lets an authorised médecin declare himself, and tells the patient (access-changed)', async () => {
    const { passerelle, patient, medecin } = await setUp();
    await passerelle.givenAuthorisation(patient, medecin);
    const outcome = await passerelle.declareMedecinTraitant.execute(medecin, {
      patientKey: patient.key,
    });
    succeeded(outcome);
    expect(
      (
        await passerelle.accessState.load(patient.key, medecin.subjectId, {
          actingFor: [],
          confirmed: [],
        })
      ).medecinTraitant,
    ).toBe(true);
    expect(outcome.audit.notifications).toEqual([
      expect.objectContaining({
        kind: 'access-changed',
        payload: { change: 'declare-medecin-traitant', professional: medecin.subjectId },
      }),
    ]);
  });

  it('refuses an authorised médecin declaring another (NOT_FOR_HIMSELF)', async () => {
    const { passerelle, patient, medecin } = await setUp();
    await passerelle.givenAuthorisation(patient, medecin);
    const other = aMedecin();
    const outcome = await passerelle.declareMedecinTraitant.execute(medecin, {
      patientKey: patient.key,
      subjectId: other.subjectId,
    });
    expect(failed(outcome).message).toMatch(/\(NOT_FOR_HIMSELF\)$/);
    expect(
      (
        await passerelle.accessState.load(patient.key, other.subjectId, {
          actingFor: [],
          confirmed: [],
        })
      ).medecinTraitant,
    ).toBe(false);
  });

  it('refuses an authorised pharmacien (NOT_A_MEDECIN)', async () => {
    const { passerelle, patient } = await setUp();
    const pharmacien = aPharmacien();
    await passerelle.givenAuthorisation(patient, pharmacien);
    const outcome = await passerelle.declareMedecinTraitant.execute(pharmacien, {
      patientKey: patient.key,
    });
    expect(failed(outcome).message).toMatch(/\(NOT_A_MEDECIN\)$/);
  });
});
