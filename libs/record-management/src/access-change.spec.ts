import type { Outcome } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';
import { InMemoryPasserelle, aHospitalSystem, aMedecin, failed } from '@passerelle/testing';

type Attempt = (
  passerelle: InMemoryPasserelle,
  actor: Principal,
  patientKey: string,
) => Promise<Outcome<unknown>>;

/** The changes of the access state that are the patient's alone, and the reading of his history. */
const PATIENT_ONLY: [string, Attempt][] = [
  [
    'SetBlock',
    (p, actor, patientKey) =>
      p.setBlock.execute(actor, { patientKey, subjectId: aMedecin().subjectId, blocked: true }),
  ],
  [
    'SetEmergencyConsents',
    (p, actor, patientKey) =>
      p.setEmergencyConsents.execute(actor, {
        patientKey,
        consents: { centre15: false, otherProfessionals: false, maskedDocuments: false },
      }),
  ],
  [
    'CloseRecord',
    (p, actor, patientKey) => p.closeRecord.execute(actor, { patientKey, reason: 'décès' }),
  ],
  [
    'RemoveMedecinTraitant',
    (p, actor, patientKey) => p.removeMedecinTraitant.execute(actor, { patientKey }),
  ],
  [
    'ReadAccessHistory',
    (p, actor, patientKey) =>
      p.readAccessHistory.execute(actor, { patientKey, page: { limit: 10, offset: 0 } }),
  ],
];

/** Callers by certificate; the médecin holds everything a professional can hold. */
const CERTIFICATES: [string, () => Principal, boolean][] = [
  ['a médecin the patient authorised and made médecin traitant', () => aMedecin(), true],
  ['a hospital’s system', () => aHospitalSystem(), false],
];

describe('Changes of the access state that are the patient’s only', () => {
  describe.each(CERTIFICATES)('by %s', (_who, certificate, trusted) => {
    it.each(PATIENT_ONLY)(
      '%s is refused (FORBIDDEN PATIENT_ONLY), writing and reading nothing',
      async (_name, attempt) => {
        const passerelle = new InMemoryPasserelle();
        const patient = await passerelle.givenRecord();
        const actor = certificate();
        if (trusted) {
          await passerelle.givenAuthorisation(patient, actor);
          await passerelle.givenMedecinTraitant(patient, actor);
        }
        const state = passerelle.accessState;
        const touched = [
          jest.spyOn(state, 'setBlocked'),
          jest.spyOn(state, 'setEmergencyConsents'),
          jest.spyOn(passerelle.records, 'transition'),
          jest.spyOn(state, 'removeMedecinTraitant'),
          jest.spyOn(passerelle.audits, 'findByPatient'),
        ];

        const outcome = await attempt(passerelle, actor, patient.key);

        const error = failed(outcome);
        expect(error.code).toBe('FORBIDDEN');
        expect(error.message).toMatch(/\(PATIENT_ONLY\)$/);
        expect(outcome.audit).toMatchObject({
          outcome: 'denied',
          reason: 'PATIENT_ONLY',
          patientKey: patient.key,
        });
        expect(outcome.audit.notifications).toEqual([]);
        for (const spy of touched) expect(spy).not.toHaveBeenCalled();
        expect(
          await state.load(patient.key, actor.subjectId, { actingFor: [], confirmed: [] }),
        ).toMatchObject({
          recordStatus: 'open',
          medecinTraitant: trusted,
          emergencyConsents: { centre15: true, otherProfessionals: true, maskedDocuments: true },
        });
      },
    );
  });
});
