import { EVERY_NOTIFICATION, PatientRecord } from '@passerelle/domain';
import { NOTIFICATION_PREFERENCES_EXTENSION, patientResourceFrom } from './patient-resource';

const shared: PatientRecord = {
  patientKey: '277069912345674^^^&1.2.250.1.213.1.4.10&ISO',
  insValue: '277069912345674',
  insOid: '1.2.250.1.213.1.4.10',
  status: 'open',
  openedAt: new Date('2026-06-01T08:00:00Z'),
  openedBy: 'PS:810000000017',
  family: 'DUPONT',
};

describe('Patient resource', () => {
  it('shows the contact details and preferences the record holds (the patient’s own view)', () => {
    const patient = patientResourceFrom({
      ...shared,
      email: 'marie.dupont@example.fr',
      phone: '+33612345678',
      notificationPreferences: { ...EVERY_NOTIFICATION, 'new-document': false },
    });
    expect(patient.telecom).toEqual([
      { system: 'email', value: 'marie.dupont@example.fr' },
      { system: 'phone', value: '+33612345678' },
    ]);
    expect(patient.extension?.find((e) => e.url === NOTIFICATION_PREFERENCES_EXTENSION)).toEqual({
      url: NOTIFICATION_PREFERENCES_EXTENSION,
      extension: [
        { url: 'newDocument', valueBoolean: false },
        { url: 'firstAccess', valueBoolean: true },
        { url: 'accessChanged', valueBoolean: true },
      ],
    });
  });

  it('shows none when the record holds none (what anyone but the patient is given)', () => {
    const patient = patientResourceFrom(shared);
    expect(patient.telecom).toBeUndefined();
    expect(patient.extension?.map((e) => e.url)).toEqual([
      'urn:passerelle:fhir:StructureDefinition:dmp-record-status',
    ]);
  });
});
