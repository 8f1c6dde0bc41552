import type { PatientId } from '@passerelle/domain';
import {
  InMemoryPasserelle,
  aHospitalSystem,
  aMedecin,
  failed,
  succeeded,
  thePatientOf,
} from '@passerelle/testing';

describe('SetContactDetails (the patient’s only)', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const patient = await passerelle.givenRecord();
    passerelle.records.update(patient.key, (record) => ({
      ...record,
      email: 'ancienne@example.fr',
    }));
    return { passerelle, patient, himself: thePatientOf(patient) };
  };

  const contactOf = (passerelle: InMemoryPasserelle, patient: PatientId) => {
    const record = passerelle.records.get(patient.key);
    return { email: record?.email, phone: record?.phone };
  };

  it('keeps the patient’s e-mail address and phone number, a French number in E.164 form', async () => {
    const { passerelle, patient, himself } = await setUp();
    const outcome = await passerelle.setContactDetails.execute(himself, {
      patientKey: patient.key,
      email: ' marie.dupont+dmp@example.fr ',
      phone: '06 12 34 56 78',
    });
    succeeded(outcome);
    expect(contactOf(passerelle, patient)).toEqual({
      email: 'marie.dupont+dmp@example.fr',
      phone: '+33612345678',
    });
    expect(outcome.audit).toMatchObject({ outcome: 'allowed', transaction: 'contact-details' });
  });

  it('takes an E.164 number as it is, and keeps the detail not given', async () => {
    const { passerelle, patient, himself } = await setUp();
    succeeded(
      await passerelle.setContactDetails.execute(himself, {
        patientKey: patient.key,
        phone: '+32 470 12 34 56',
      }),
    );
    expect(contactOf(passerelle, patient)).toEqual({
      email: 'ancienne@example.fr',
      phone: '+32470123456',
    });
  });

  it('refuses a malformed e-mail address (400), changing nothing', async () => {
    const { passerelle, patient, himself } = await setUp();
    for (const email of ['marie.dupont', 'marie@', 'marie dupont@example.fr', '@example.fr']) {
      const error = failed(
        await passerelle.setContactDetails.execute(himself, { patientKey: patient.key, email }),
      );
      expect({ code: error.code, status: error.catalogue.httpStatus }).toEqual({
        code: 'METADATA_INVALID',
        status: 400,
      });
    }
    expect(contactOf(passerelle, patient)).toEqual({ email: 'ancienne@example.fr' });
  });

  it('refuses a phone number neither E.164 nor French (400), reporting every problem at once', async () => {
    const { passerelle, patient, himself } = await setUp();
    for (const phone of [
      '12345',
      '00 12 34 56 78',
      '+0612345678',
      '06 12 34 56 7',
      'O6 12 34 56 78',
    ]) {
      const error = failed(
        await passerelle.setContactDetails.execute(himself, { patientKey: patient.key, phone }),
      );
      expect(error.code).toBe('METADATA_INVALID');
      expect(error.message).toMatch(/^phone must be/);
    }
    const both = failed(
      await passerelle.setContactDetails.execute(himself, {
        patientKey: patient.key,
        email: 'nope',
        phone: 'nope',
      }),
    );
    expect(both.details.map((d) => d.message)).toEqual([
      expect.stringMatching(/^email/),
      expect.stringMatching(/^phone/),
    ]);
    expect(contactOf(passerelle, patient)).toEqual({ email: 'ancienne@example.fr' });
  });

  it('asks for at least one detail (400 METADATA_MISSING)', async () => {
    const { passerelle, patient, himself } = await setUp();
    const error = failed(
      await passerelle.setContactDetails.execute(himself, { patientKey: patient.key }),
    );
    expect({ code: error.code, status: error.catalogue.httpStatus }).toEqual({
      code: 'METADATA_MISSING',
      status: 400,
    });
  });

  it('refuses a professional and an establishment (403 PATIENT_ONLY) before reading what they sent', async () => {
    const { passerelle, patient } = await setUp();
    const medecin = aMedecin();
    await passerelle.givenAuthorisation(patient, medecin);
    for (const actor of [medecin, aHospitalSystem()]) {
      for (const email of ['pirate@example.fr', 'not an address']) {
        const outcome = await passerelle.setContactDetails.execute(actor, {
          patientKey: patient.key,
          email,
        });
        const error = failed(outcome);
        expect(error.catalogue.httpStatus).toBe(403);
        expect(error.message).toMatch(/\(PATIENT_ONLY\)$/);
        expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'PATIENT_ONLY' });
      }
    }
    expect(contactOf(passerelle, patient)).toEqual({ email: 'ancienne@example.fr' });
  });
});
