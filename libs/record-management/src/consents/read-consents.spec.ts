import type { Principal } from '@passerelle/domain';
import {
  InMemoryPasserelle,
  aHospitalSystem,
  aMedecin,
  aPatient,
  failed,
  succeeded,
  thePatientOf,
} from '@passerelle/testing';

describe('ReadConsents', () => {
  const HOSPITAL = '1750000077';
  const now = new Date('2026-03-01T10:00:00Z');

  /** A record whose patient authorised a médecin until yesterday, refused a structure, blocked another. */
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle({ now: () => now });
    const patient = await passerelle.givenRecord();
    const medecin = aMedecin();
    const traitant = aMedecin();
    await passerelle.accessState.declareAuthorisation({
      patientKey: patient.key,
      subjectId: medecin.subjectId,
      subjectKind: 'PS',
      state: 'valid',
      expressConsent: false,
      validUntil: new Date('2026-02-28T10:00:00Z'),
      declaredBy: 'PATIENT:account',
    });
    await passerelle.accessState.declareAuthorisation({
      patientKey: patient.key,
      subjectId: HOSPITAL,
      subjectKind: 'STRUCTURE',
      state: 'forbidden',
      expressConsent: false,
      declaredBy: 'PATIENT:account',
    });
    await passerelle.givenBlock(patient, '1690000077', 'STRUCTURE');
    await passerelle.givenMedecinTraitant(patient, traitant);
    await passerelle.accessState.setEmergencyConsents(patient.key, {
      centre15: true,
      otherProfessionals: false,
      maskedDocuments: false,
    });
    return { passerelle, patient, medecin, traitant };
  };

  it.each([
    ['the patient', 'PATIENT'],
    ['a legal representative', 'REPRESENTANT_LEGAL'],
  ] as const)('lets %s read every decision of his record, as it stands', async (_who, role) => {
    const { passerelle, patient, medecin, traitant } = await setUp();
    const outcome = await passerelle.readConsents.execute(thePatientOf(patient, { role }), {
      patientKey: patient.key,
    });
    expect(succeeded(outcome)).toEqual({
      authorisations: [
        {
          subjectId: HOSPITAL,
          subjectKind: 'STRUCTURE',
          state: 'forbidden',
          expressConsent: false,
          declaredBy: 'PATIENT:account',
          declaredAt: now,
        },
        {
          subjectId: medecin.subjectId,
          subjectKind: 'PS',
          state: 'expired',
          expressConsent: false,
          validUntil: new Date('2026-02-28T10:00:00Z'),
          declaredBy: 'PATIENT:account',
          declaredAt: now,
        },
      ],
      blocks: [
        { subjectId: '1690000077', subjectKind: 'STRUCTURE', declaredBy: 'test', declaredAt: now },
      ],
      medecinsTraitants: [{ subjectId: traitant.subjectId, declaredBy: 'test', declaredAt: now }],
      emergencyConsents: { centre15: true, otherProfessionals: false, maskedDocuments: false },
    });
    expect(outcome.audit).toMatchObject({
      outcome: 'allowed',
      patientKey: patient.key,
      transaction: 'consent-read',
    });
    expect(outcome.audit.notifications).toEqual([]);
  });

  it('lets the patient read them on his closed record', async () => {
    const { passerelle, patient } = await setUp();
    await passerelle.givenLifecycleStep(patient, { kind: 'close', reason: 'décès' });
    const outcome = await passerelle.readConsents.execute(thePatientOf(patient), {
      patientKey: patient.key,
    });
    expect(succeeded(outcome).medecinsTraitants).toHaveLength(1);
  });

  const CERTIFICATES: [string, (traitant: Principal) => Principal][] = [
    ['a professional, even the médecin traitant', (traitant) => traitant],
    ['a hospital’s system', () => aHospitalSystem()],
  ];

  it.each(CERTIFICATES)(
    'refuses %s (FORBIDDEN PATIENT_ONLY), reading nothing',
    async (_who, callerOf) => {
      const { passerelle, patient, traitant } = await setUp();
      const read = jest.spyOn(passerelle.accessState, 'list');
      const outcome = await passerelle.readConsents.execute(callerOf(traitant), {
        patientKey: patient.key,
      });
      const error = failed(outcome);
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toMatch(/\(PATIENT_ONLY\)$/);
      expect(read).not.toHaveBeenCalled();
      expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'PATIENT_ONLY' });
    },
  );

  it('answers a patient token for another record as if that record did not exist', async () => {
    const { passerelle, patient } = await setUp();
    const read = jest.spyOn(passerelle.accessState, 'list');
    const outcome = await passerelle.readConsents.execute(thePatientOf(aPatient()), {
      patientKey: patient.key,
    });
    expect(failed(outcome).code).toBe('RESOURCE_NOT_FOUND');
    expect(read).not.toHaveBeenCalled();
    expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'TOKEN_FOR_OTHER_RECORD' });
  });
});
