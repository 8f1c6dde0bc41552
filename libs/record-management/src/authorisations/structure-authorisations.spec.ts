import type { ProfessionalPrincipal } from '@passerelle/domain';
import { InMemoryPasserelle, aMedecin, failed, succeeded, thePatientOf } from '@passerelle/testing';

/** Authorisations and blocks of a structure reach every professional acting for it (DESIGN §4). */
describe('Authorisations and blocks of structures', () => {
  const HOSPITAL = '1750000042';

  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const patient = await passerelle.givenRecord();
    const medecin = aMedecin({ structureId: HOSPITAL });
    await practisesIn(passerelle, medecin, HOSPITAL);
    return { passerelle, patient, medecin, thePatient: thePatientOf(patient) };
  };

  const practisesIn = (
    passerelle: InMemoryPasserelle,
    medecin: ProfessionalPrincipal,
    structureId: string,
  ) =>
    passerelle.directory.upsert([
      {
        idNat: medecin.subjectId,
        family: medecin.family,
        given: medecin.given,
        professionCode: '10',
        specialtyCode: 'SM26',
        exercises: [{ structureId }],
      },
    ]);

  const consult = (
    passerelle: InMemoryPasserelle,
    actor: ProfessionalPrincipal,
    patientKey: string,
  ) =>
    passerelle.registryStoredQuery.execute(actor, {
      query: { name: 'FindDocuments', returnType: 'LeafClass', patientKey, filter: {} },
      maxResults: 10,
    });

  const structureAuthorisation = (
    passerelle: InMemoryPasserelle,
    patientKey: string,
    state: 'valid' | 'forbidden',
    subjectId = HOSPITAL,
  ) =>
    passerelle.accessState.declareAuthorisation({
      patientKey,
      subjectId,
      subjectKind: 'STRUCTURE',
      state,
      expressConsent: true,
      declaredBy: 'test',
    });

  it('lets a professional consult on the authorisation of the structure he acts for', async () => {
    const { passerelle, patient, medecin } = await setUp();
    expect(failed(await consult(passerelle, medecin, patient.key)).message).toMatch(
      /\(NO_AUTHORISATION\)$/,
    );
    await structureAuthorisation(passerelle, patient.key, 'valid');
    const outcome = await consult(passerelle, medecin, patient.key);
    succeeded(outcome);
    expect(outcome.audit).toMatchObject({ outcome: 'allowed' });
  });

  it('counts the structures the directory says he practises in', async () => {
    const { passerelle, patient } = await setUp();
    const medecin = aMedecin({ structureId: undefined });
    await passerelle.directory.upsert([
      {
        idNat: medecin.subjectId,
        family: medecin.family,
        given: medecin.given,
        professionCode: '10',
        specialtyCode: 'SM26',
        exercises: [{ structureId: HOSPITAL }],
      },
    ]);
    await structureAuthorisation(passerelle, patient.key, 'valid');
    succeeded(await consult(passerelle, medecin, patient.key));
  });

  it('passes on no authorisation through a structure he only claims, but applies its block', async () => {
    const { passerelle, patient } = await setUp();
    const claimant = aMedecin({ structureId: HOSPITAL });
    await structureAuthorisation(passerelle, patient.key, 'valid');
    expect(failed(await consult(passerelle, claimant, patient.key)).message).toMatch(
      /\(NO_AUTHORISATION\)$/,
    );
    await passerelle.accessState.declareAuthorisation({
      patientKey: patient.key,
      subjectId: claimant.subjectId,
      subjectKind: 'PS',
      state: 'valid',
      expressConsent: false,
      declaredBy: 'test',
    });
    succeeded(await consult(passerelle, claimant, patient.key));
    await passerelle.accessState.setBlocked({
      patientKey: patient.key,
      subjectId: HOSPITAL,
      subjectKind: 'STRUCTURE',
      blocked: true,
      declaredBy: 'test',
    });
    expect(failed(await consult(passerelle, claimant, patient.key)).message).toMatch(
      /\(BLOCKED\)$/,
    );
  });

  it('does not authorise a professional of another structure', async () => {
    const { passerelle, patient, medecin } = await setUp();
    await structureAuthorisation(passerelle, patient.key, 'valid', '1690000042');
    expect(failed(await consult(passerelle, medecin, patient.key)).message).toMatch(
      /\(NO_AUTHORISATION\)$/,
    );
  });

  it('refuses him when his structure is blocked, even with his own authorisation (BLOCKED)', async () => {
    const { passerelle, patient, medecin } = await setUp();
    await passerelle.givenAuthorisation(patient, medecin);
    await passerelle.givenBlock(patient, HOSPITAL, 'STRUCTURE');
    const outcome = await consult(passerelle, medecin, patient.key);
    expect(failed(outcome).message).toMatch(/\(BLOCKED\)$/);
    expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'BLOCKED' });
  });

  it('refuses him when his structure is refused, even with his own authorisation (AUTHORISATION_FORBIDDEN)', async () => {
    const { passerelle, patient, medecin } = await setUp();
    await passerelle.givenAuthorisation(patient, medecin);
    await structureAuthorisation(passerelle, patient.key, 'forbidden');
    expect(failed(await consult(passerelle, medecin, patient.key)).message).toMatch(
      /\(AUTHORISATION_FORBIDDEN\)$/,
    );
  });

  it('keeps the express consent personal: a structure’s does not let a médecin du travail in', async () => {
    const { passerelle, patient } = await setUp();
    const medecinDuTravail = aMedecin({ structureId: HOSPITAL, roles: ['10', 'SM25'] });
    await passerelle.givenAuthorisation(patient, medecinDuTravail);
    await structureAuthorisation(passerelle, patient.key, 'valid');
    expect(failed(await consult(passerelle, medecinDuTravail, patient.key)).message).toMatch(
      /\(EXPRESS_CONSENT_REQUIRED\)$/,
    );
  });

  it('refuses a professional declaring for a structure, even his own (FORBIDDEN NOT_FOR_HIMSELF), writing nothing', async () => {
    const { passerelle, patient, medecin } = await setUp();
    const write = jest.spyOn(passerelle.accessState, 'declareAuthorisation');
    const outcome = await passerelle.declareAuthorisation.execute(medecin, {
      patientKey: patient.key,
      subjectId: HOSPITAL,
      subjectKind: 'STRUCTURE',
      forbidden: false,
      expressConsent: false,
    });
    const error = failed(outcome);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/\(NOT_FOR_HIMSELF\)$/);
    expect(error.catalogue.httpStatus).toBe(403);
    expect(write).not.toHaveBeenCalled();
    expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'NOT_FOR_HIMSELF' });
  });

  it('refuses a professional revoking a structure’s authorisation (NOT_FOR_HIMSELF): it stands', async () => {
    const { passerelle, patient, medecin } = await setUp();
    await structureAuthorisation(passerelle, patient.key, 'valid');
    const outcome = await passerelle.revokeAuthorisation.execute(medecin, {
      patientKey: patient.key,
      subjectId: HOSPITAL,
      subjectKind: 'STRUCTURE',
    });
    expect(failed(outcome).message).toMatch(/\(NOT_FOR_HIMSELF\)$/);
    succeeded(await consult(passerelle, medecin, patient.key));
  });

  it('lets the patient authorise a structure, and tells him which structure (access-changed)', async () => {
    const { passerelle, patient, medecin, thePatient } = await setUp();
    const outcome = await passerelle.declareAuthorisation.execute(thePatient, {
      patientKey: patient.key,
      subjectId: HOSPITAL,
      subjectKind: 'STRUCTURE',
      forbidden: false,
      expressConsent: false,
    });
    succeeded(outcome);
    expect(outcome.audit.notifications).toEqual([
      expect.objectContaining({
        kind: 'access-changed',
        payload: { change: 'declare-authorisation', structure: HOSPITAL },
      }),
    ]);
    expect((await passerelle.accessState.list(patient.key)).authorisations).toEqual([
      expect.objectContaining({ subjectId: HOSPITAL, subjectKind: 'STRUCTURE', state: 'valid' }),
    ]);
    succeeded(await consult(passerelle, medecin, patient.key));
  });

  it('lets the patient block a structure, and unblock it', async () => {
    const { passerelle, patient, medecin, thePatient } = await setUp();
    await passerelle.givenAuthorisation(patient, medecin);
    const block = (blocked: boolean) =>
      passerelle.setBlock.execute(thePatient, {
        patientKey: patient.key,
        subjectId: HOSPITAL,
        subjectKind: 'STRUCTURE',
        blocked,
      });
    succeeded(await block(true));
    expect((await passerelle.accessState.list(patient.key)).blocks).toEqual([
      expect.objectContaining({ subjectId: HOSPITAL, subjectKind: 'STRUCTURE' }),
    ]);
    expect(failed(await consult(passerelle, medecin, patient.key)).message).toMatch(/\(BLOCKED\)$/);
    succeeded(await block(false));
    succeeded(await consult(passerelle, medecin, patient.key));
  });
});
