import { EVERY_NOTIFICATION } from '@passerelle/domain';
import { InMemoryPasserelle, aMedecin, succeeded, thePatientOf } from '@passerelle/testing';

describe('The record as each actor sees it (FindRecord, ReadRecord, OpenRecord)', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const patient = await passerelle.givenRecord();
    passerelle.records.update(patient.key, (record) => ({
      ...record,
      family: 'DUPONT',
      email: 'marie.dupont@example.fr',
      phone: '+33612345678',
      notificationPreferences: { ...EVERY_NOTIFICATION, 'first-access': false },
    }));
    const medecin = aMedecin();
    await passerelle.givenAuthorisation(patient, medecin);
    return { passerelle, patient, medecin, himself: thePatientOf(patient) };
  };

  it('shows the patient his contact details and notification preferences', async () => {
    const { passerelle, patient, himself } = await setUp();
    for (const record of [
      succeeded(await passerelle.readRecord.execute(himself, patient)),
      succeeded(await passerelle.findRecord.execute(himself, patient)),
    ]) {
      expect(record).toMatchObject({
        family: 'DUPONT',
        email: 'marie.dupont@example.fr',
        phone: '+33612345678',
        notificationPreferences: { 'first-access': false },
      });
    }
  });

  it('shows the patient every notification wanted until he chose', async () => {
    const { passerelle, patient, himself } = await setUp();
    passerelle.records.update(patient.key, ({ notificationPreferences: _, ...record }) => record);
    const record = succeeded(await passerelle.readRecord.execute(himself, patient));
    expect(record.notificationPreferences).toEqual(EVERY_NOTIFICATION);
  });

  it('shows a professional neither contact details nor preferences, whichever way he reads the record', async () => {
    const { passerelle, patient, medecin } = await setUp();
    const opened = succeeded(
      await passerelle.openRecord.execute(medecin, {
        patientId: patient,
        demographics: {},
        unlessExists: true,
      }),
    );
    for (const record of [
      succeeded(await passerelle.readRecord.execute(medecin, patient)),
      succeeded(await passerelle.findRecord.execute(medecin, patient)),
      succeeded(await passerelle.readRecord.execute(aMedecin(), patient)),
      opened.record,
    ]) {
      expect(record).toMatchObject({ patientKey: patient.key, family: 'DUPONT', status: 'open' });
      expect(record).not.toHaveProperty('email');
      expect(record).not.toHaveProperty('phone');
      expect(record).not.toHaveProperty('notificationPreferences');
    }
  });
});
