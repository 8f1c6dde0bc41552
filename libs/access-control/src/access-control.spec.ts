import { AuditContext } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';
import {
  InMemoryPasserelle,
  aHospitalSystem,
  aMedecin,
  aPatient,
  succeeded,
  thePatientOf,
} from '@passerelle/testing';

/** The records of a batch decided together: each decision is the one made alone. */
describe('AccessControl.authorizeEach', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const open = await passerelle.givenRecord();
    const authorised = await passerelle.givenRecord();
    const closed = await passerelle.givenRecord();
    const hospital = aHospitalSystem();
    succeeded(
      await passerelle.closeRecord.execute(thePatientOf(closed), {
        patientKey: closed.key,
        reason: 'test',
      }),
    );
    const medecin = aMedecin();
    await passerelle.accessState.declareAuthorisation({
      patientKey: authorised.key,
      subjectId: medecin.subjectId,
      subjectKind: 'PS',
      state: 'valid',
      expressConsent: true,
      declaredBy: 'test',
    });
    const keys = [open.key, aPatient().key, authorised.key, closed.key, open.key];
    return { passerelle, hospital, medecin, keys };
  };

  /** What `authorize` says about one record, and the audit facts it leaves. */
  async function alone(passerelle: InMemoryPasserelle, principal: Principal, patientKey: string) {
    const audit = new AuditContext('T', 'document.provide', principal);
    try {
      const access = await passerelle.access.authorize(
        audit,
        principal,
        'document.provide',
        patientKey,
      );
      return { allowed: access.decision.allowed, audit: factsOf(audit) };
    } catch (error) {
      return { error: String(error), audit: factsOf(audit) };
    }
  }

  async function together(
    passerelle: InMemoryPasserelle,
    principal: Principal,
    patientKeys: string[],
  ) {
    const requests = patientKeys.map((patientKey) => ({
      patientKey,
      audit: new AuditContext('T', 'document.provide', principal),
    }));
    const outcomes = await passerelle.access.authorizeEach(principal, 'document.provide', requests);
    return outcomes.map((outcome, index) => ({
      ...('access' in outcome
        ? { allowed: outcome.access.decision.allowed }
        : { error: String(outcome.error) }),
      audit: factsOf(requests[index].audit),
    }));
  }

  const factsOf = ({ patientKey, outcome, reason, emergency }: AuditContext) => ({
    patientKey,
    outcome,
    reason,
    emergency,
  });

  it.each([
    ['a structure', true],
    ['a professional', false],
  ])('answers for %s what each decision alone answers, in order', async (_, isHospital) => {
    const { passerelle, hospital, medecin, keys } = await setUp();
    const principal = isHospital ? hospital : medecin;
    const expected = [];
    for (const key of keys) expected.push(await alone(passerelle, principal, key));
    const decided = await together(passerelle, principal, keys);
    expect(decided).toEqual(expected);
    expect(decided.some((d) => 'allowed' in d)).toBe(true);
    expect(decided.some((d) => 'error' in d)).toBe(true);
  });

  it('answers nothing for no records', async () => {
    const { passerelle, hospital } = await setUp();
    expect(await together(passerelle, hospital, [])).toEqual([]);
  });
});
