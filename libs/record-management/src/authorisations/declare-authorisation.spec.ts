import { InMemoryPasserelle, aMedecin, aPharmacien, failed, succeeded } from '@passerelle/testing';

describe('DeclareAuthorisation', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const patient = await passerelle.givenRecord();
    return { passerelle, patient, medecin: aMedecin() };
  };

  it('refuses a professional declaring for another (FORBIDDEN NOT_FOR_HIMSELF), writing nothing', async () => {
    const { passerelle, patient, medecin } = await setUp();
    const other = aPharmacien();
    const write = jest.spyOn(passerelle.accessState, 'declareAuthorisation');
    const outcome = await passerelle.declareAuthorisation.execute(medecin, {
      patientKey: patient.key,
      subjectId: other.subjectId,
      forbidden: false,
      expressConsent: false,
    });
    const error = failed(outcome);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/\(NOT_FOR_HIMSELF\)$/);
    expect(write).not.toHaveBeenCalled();
    expect(
      (
        await passerelle.accessState.load(patient.key, other.subjectId, {
          actingFor: [],
          confirmed: [],
        })
      ).authorisation,
    ).toBe('none');
    expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'NOT_FOR_HIMSELF' });
    expect(outcome.audit.notifications).toEqual([]);
  });

  it('writes a professional’s own authorisation, and tells the patient (access-changed)', async () => {
    const { passerelle, patient, medecin } = await setUp();
    const outcome = await passerelle.declareAuthorisation.execute(medecin, {
      patientKey: patient.key,
      forbidden: false,
      expressConsent: false,
    });
    succeeded(outcome);
    expect(
      (
        await passerelle.accessState.load(patient.key, medecin.subjectId, {
          actingFor: [],
          confirmed: [],
        })
      ).authorisation,
    ).toBe('valid');
    expect(outcome.audit.notifications).toEqual([
      expect.objectContaining({
        kind: 'access-changed',
        patientKey: patient.key,
        payload: { change: 'declare-authorisation', professional: medecin.subjectId },
      }),
    ]);
  });

  it('refuses a professional recording the patient’s refusal, even of himself (PATIENT_ONLY)', async () => {
    const { passerelle, patient, medecin } = await setUp();
    const outcome = await passerelle.declareAuthorisation.execute(medecin, {
      patientKey: patient.key,
      forbidden: true,
      expressConsent: false,
    });
    expect(failed(outcome).message).toMatch(/\(PATIENT_ONLY\)$/);
    expect(
      (
        await passerelle.accessState.load(patient.key, medecin.subjectId, {
          actingFor: [],
          confirmed: [],
        })
      ).authorisation,
    ).toBe('none');
  });

  it('no longer lets him consult once its validUntil has passed (AUTHORISATION_EXPIRED)', async () => {
    const { passerelle, patient, medecin } = await setUp();
    succeeded(
      await passerelle.declareAuthorisation.execute(medecin, {
        patientKey: patient.key,
        forbidden: false,
        expressConsent: false,
        validUntil: new Date(Date.now() - 1000),
      }),
    );
    const outcome = await passerelle.registryStoredQuery.execute(medecin, {
      query: {
        name: 'FindDocuments',
        returnType: 'LeafClass',
        patientKey: patient.key,
        filter: {},
      },
      maxResults: 10,
    });
    expect(failed(outcome).message).toMatch(/\(AUTHORISATION_EXPIRED\)$/);
  });

  it('refuses any declaration on a patient without a record (UNKNOWN_PATIENT)', async () => {
    const { passerelle, medecin } = await setUp();
    const outcome = await passerelle.declareAuthorisation.execute(medecin, {
      patientKey: 'nobody',
      forbidden: false,
      expressConsent: false,
    });
    expect(failed(outcome).code).toBe('UNKNOWN_PATIENT');
  });
});
