import { AuditTrail, type Outcome } from '@passerelle/audit';
import { EVERY_NOTIFICATION, type PatientId } from '@passerelle/domain';
import {
  InMemoryPasserelle,
  aHospitalSystem,
  aMedecin,
  aPatient,
  documentDraft,
  failed,
  submissionDraft,
  succeeded,
  thePatientOf,
} from '@passerelle/testing';

describe('SetNotificationPreferences (the patient’s only; emergency accesses always notified)', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const patient = await passerelle.givenRecord();
    return { passerelle, patient, himself: thePatientOf(patient) };
  };

  const preferencesOf = (passerelle: InMemoryPasserelle, patient: PatientId) =>
    passerelle.records.get(patient.key)?.notificationPreferences;

  /** What the door does with an outcome: the audit entry (and its notifications) written. */
  const written = async (passerelle: InMemoryPasserelle, outcome: Outcome<unknown>) => {
    await new AuditTrail(passerelle.audits).complete(outcome.audit, outcome.ok ? 200 : 403);
    return passerelle.audits.entries.at(-1)!.notifications.map((n) => n.kind);
  };

  it('keeps what the patient wants, each kind he does not name wanted', async () => {
    const { passerelle, patient, himself } = await setUp();
    const outcome = await passerelle.setNotificationPreferences.execute(himself, {
      patientKey: patient.key,
      wanted: { 'new-document': false, 'access-changed': true },
    });
    succeeded(outcome);
    expect(preferencesOf(passerelle, patient)).toEqual({
      'new-document': false,
      'first-access': true,
      'access-changed': true,
    });
    expect(outcome.audit).toMatchObject({
      outcome: 'allowed',
      transaction: 'notification-preferences',
    });
  });

  it('lets a legal representative choose them too', async () => {
    const { passerelle, patient } = await setUp();
    const representative = thePatientOf(patient, { role: 'REPRESENTANT_LEGAL' });
    succeeded(
      await passerelle.setNotificationPreferences.execute(representative, {
        patientKey: patient.key,
        wanted: { 'first-access': false },
      }),
    );
    expect(preferencesOf(passerelle, patient)?.['first-access']).toBe(false);
  });

  it('refuses a professional, even one the patient authorised (403 PATIENT_ONLY), and an establishment, changing nothing', async () => {
    const { passerelle, patient } = await setUp();
    const medecin = aMedecin();
    await passerelle.givenAuthorisation(patient, medecin);
    await passerelle.givenMedecinTraitant(patient, medecin);
    for (const actor of [medecin, aHospitalSystem()]) {
      const outcome = await passerelle.setNotificationPreferences.execute(actor, {
        patientKey: patient.key,
        wanted: { 'new-document': false },
      });
      const error = failed(outcome);
      expect(error.catalogue.httpStatus).toBe(403);
      expect(error.message).toMatch(/\(PATIENT_ONLY\)$/);
      expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'PATIENT_ONLY' });
    }
    expect(preferencesOf(passerelle, patient)).toBeUndefined();
  });

  it('answers the patient of another record as if this one did not exist', async () => {
    const { passerelle, patient } = await setUp();
    const stranger = thePatientOf(await passerelle.givenRecord(aPatient()));
    const error = failed(
      await passerelle.setNotificationPreferences.execute(stranger, {
        patientKey: patient.key,
        wanted: { 'new-document': false },
      }),
    );
    expect(error.code).toBe('RESOURCE_NOT_FOUND');
    expect(preferencesOf(passerelle, patient)).toBeUndefined();
  });

  it('refuses to turn off emergency-access notices (422), changing nothing; a professional asking is refused first (403)', async () => {
    const { passerelle, patient, himself } = await setUp();
    const command = {
      patientKey: patient.key,
      wanted: { 'new-document': false, 'emergency-access': false },
    };
    const error = failed(await passerelle.setNotificationPreferences.execute(himself, command));
    expect({ code: error.code, status: error.catalogue.httpStatus }).toEqual({
      code: 'NOTIFICATION_REQUIRED',
      status: 422,
    });
    expect(error.catalogue.fhirIssueCode).toBe('business-rule');
    expect(preferencesOf(passerelle, patient)).toBeUndefined();
    const refused = failed(
      await passerelle.setNotificationPreferences.execute(aMedecin(), command),
    );
    expect(refused.catalogue.httpStatus).toBe(403);
  });

  it('accepts emergency-access: true, which changes nothing of it', async () => {
    const { passerelle, patient, himself } = await setUp();
    succeeded(
      await passerelle.setNotificationPreferences.execute(himself, {
        patientKey: patient.key,
        wanted: { 'emergency-access': true },
      }),
    );
    expect(preferencesOf(passerelle, patient)).toEqual(EVERY_NOTIFICATION);
  });

  it('queues no notice of a kind the patient turned off (new-document, access-changed), the others still', async () => {
    const { passerelle, patient, himself } = await setUp();
    const hospital = aHospitalSystem();
    const provide = () =>
      passerelle.provideAndRegisterDocumentSet.execute(
        hospital,
        submissionDraft(patient, [documentDraft(patient)]),
      );
    const changeConsents = () =>
      passerelle.setEmergencyConsents.execute(himself, {
        patientKey: patient.key,
        consents: { centre15: true, otherProfessionals: true, maskedDocuments: false },
      });
    expect(await written(passerelle, await provide())).toEqual(['new-document']);
    expect(await written(passerelle, await changeConsents())).toEqual(['access-changed']);

    succeeded(
      await passerelle.setNotificationPreferences.execute(himself, {
        patientKey: patient.key,
        wanted: { 'new-document': false, 'access-changed': false },
      }),
    );
    const provided = await provide();
    expect(provided.audit.notifications.map((n) => n.kind)).toEqual(['new-document']);
    expect(await written(passerelle, provided)).toEqual([]);
    expect(await written(passerelle, await changeConsents())).toEqual([]);

    succeeded(
      await passerelle.setNotificationPreferences.execute(himself, {
        patientKey: patient.key,
        wanted: { 'access-changed': false },
      }),
    );
    expect(await written(passerelle, await provide())).toEqual(['new-document']);
  });

  it('always queues an emergency access, whatever the patient turned off', async () => {
    const { passerelle, patient, himself } = await setUp();
    succeeded(
      await passerelle.setNotificationPreferences.execute(himself, {
        patientKey: patient.key,
        wanted: { 'new-document': false, 'first-access': false, 'access-changed': false },
      }),
    );
    const urgentiste = aMedecin({ purposeOfUse: 'bris_de_glace', accessReason: 'Coma' });
    const search = await passerelle.findDocumentReferences.execute(urgentiste, {
      patientKey: patient.key,
      filter: {},
      page: { limit: 10, offset: 0 },
    });
    succeeded(search);
    expect(await written(passerelle, search)).toEqual(['emergency-access']);
  });
});
