import { PatientId, Principal, addDays } from '@passerelle/domain';
import {
  InMemoryPasserelle,
  aHospitalSystem,
  aMedecin,
  failed,
  succeeded,
  thePatientOf,
} from '@passerelle/testing';

const T0 = new Date('2026-03-02T09:00:00Z');

/** The patient's lifecycle steps on his channel, over in-memory ports and a clock of the test's. */
describe('the patient’s lifecycle steps: deletion, opposition, closure and reopening', () => {
  let now: Date;

  const setUp = async (status: 'open' | 'pending' = 'open') => {
    now = T0;
    const passerelle = new InMemoryPasserelle({ now: () => now });
    const patient = await passerelle.givenRecord();
    if (status === 'pending') {
      passerelle.records.update(patient.key, (record) => ({
        ...record,
        status: 'pending',
        oppositionUntil: addDays(T0, 42),
      }));
    }
    return { passerelle, patient, himself: thePatientOf(patient) };
  };

  const lifecycleOf = (passerelle: InMemoryPasserelle, patient: PatientId) => {
    const { status, closedAt, deletionRequestedAt, purgeDueAt } = passerelle.records.get(
      patient.key,
    )!;
    return { status, closedAt, deletionRequestedAt, purgeDueAt };
  };

  it('asks for deletion: closed, purge due a week later, and the patient told the date', async () => {
    const { passerelle, patient, himself } = await setUp();
    const outcome = await passerelle.requestDeletion.execute(himself, { patientKey: patient.key });
    succeeded(outcome);
    expect(lifecycleOf(passerelle, patient)).toEqual({
      status: 'deletion-requested',
      closedAt: T0,
      deletionRequestedAt: T0,
      purgeDueAt: addDays(T0, 7),
    });
    expect(outcome.audit).toMatchObject({
      outcome: 'allowed',
      transaction: 'record-request-deletion',
    });
    expect(outcome.audit.notifications).toEqual([
      expect.objectContaining({
        kind: 'record-status',
        payload: {
          change: 'request-deletion',
          status: 'deletion-requested',
          purgeDue: addDays(T0, 7).toISOString(),
        },
      }),
    ]);
  });

  it('withdraws a deletion request by reopening, until the purge', async () => {
    const { passerelle, patient, himself } = await setUp();
    succeeded(await passerelle.requestDeletion.execute(himself, { patientKey: patient.key }));
    now = addDays(T0, 3);
    succeeded(await passerelle.reopenRecord.execute(himself, { patientKey: patient.key }));
    expect(lifecycleOf(passerelle, patient).status).toBe('open');
  });

  it('opposes a pending record within six weeks; after them 422 OPPOSITION_PERIOD_OVER', async () => {
    const { passerelle, patient, himself } = await setUp('pending');
    now = addDays(T0, 43);
    const late = failed(
      await passerelle.opposeRecord.execute(himself, { patientKey: patient.key }),
    );
    expect(late.code).toBe('OPPOSITION_PERIOD_OVER');
    expect(lifecycleOf(passerelle, patient).status).toBe('pending');

    now = addDays(T0, 41);
    succeeded(await passerelle.opposeRecord.execute(himself, { patientKey: patient.key }));
    expect(lifecycleOf(passerelle, patient)).toMatchObject({
      status: 'deletion-requested',
      purgeDueAt: addDays(T0, 48),
    });
  });

  it('refuses a step the record’s state does not allow (409 RECORD_STATE_CONFLICT)', async () => {
    const { passerelle, patient, himself } = await setUp();
    const opposed = failed(
      await passerelle.opposeRecord.execute(himself, { patientKey: patient.key }),
    );
    expect(opposed.code).toBe('RECORD_STATE_CONFLICT');
    expect(opposed.catalogue.httpStatus).toBe(409);
    expect(lifecycleOf(passerelle, patient).status).toBe('open');
  });

  it('closes with a reason, the purge due ten years later; reopening restores the record', async () => {
    const { passerelle, patient, himself } = await setUp();
    succeeded(
      await passerelle.closeRecord.execute(himself, { patientKey: patient.key, reason: 'départ' }),
    );
    expect(lifecycleOf(passerelle, patient)).toMatchObject({
      status: 'closed',
      closedAt: T0,
      purgeDueAt: new Date('2036-03-02T09:00:00Z'),
    });
    succeeded(await passerelle.reopenRecord.execute(himself, { patientKey: patient.key }));
    expect(lifecycleOf(passerelle, patient)).toEqual({ status: 'open' });
  });

  const CERTIFICATES: [string, () => Principal][] = [
    ['a médecin', () => aMedecin()],
    ['a hospital’s system', () => aHospitalSystem()],
  ];

  it.each(CERTIFICATES)(
    'refuses every step to %s (403 PATIENT_ONLY), changing nothing',
    async (_who, certificate) => {
      const { passerelle, patient } = await setUp('pending');
      const actor = certificate();
      await passerelle.givenAuthorisation(patient, actor);
      for (const step of [
        passerelle.requestDeletion,
        passerelle.opposeRecord,
        passerelle.reopenRecord,
      ]) {
        const outcome = await step.execute(actor, { patientKey: patient.key });
        expect(failed(outcome).message).toMatch(/\(PATIENT_ONLY\)$/);
        expect(outcome.audit).toMatchObject({ outcome: 'denied', reason: 'PATIENT_ONLY' });
      }
      const closing = await passerelle.closeRecord.execute(actor, {
        patientKey: patient.key,
        reason: 'x',
      });
      expect(failed(closing).message).toMatch(/\(PATIENT_ONLY\)$/);
      expect(lifecycleOf(passerelle, patient).status).toBe('pending');
    },
  );

  it('refuses the patient every step on a suspended record (403 RECORD_SUSPENDED)', async () => {
    const { passerelle, patient, himself } = await setUp();
    await passerelle.operatorLifecycle.step('operator:test', patient.key, {
      kind: 'suspend',
      basis: 'litige-identite',
      reference: 'IV-2026-12',
    });
    for (const step of [passerelle.requestDeletion, passerelle.reopenRecord]) {
      const outcome = await step.execute(himself, { patientKey: patient.key });
      expect(failed(outcome).message).toMatch(/\(RECORD_SUSPENDED\)$/);
    }
    expect(lifecycleOf(passerelle, patient).status).toBe('suspended');
  });
});

describe('the operator’s steps (in the database): suspension and its lifting', () => {
  it('suspends on a legal basis, audited as the operator with basis and reference, the patient told the status only', async () => {
    const passerelle = new InMemoryPasserelle({ now: () => T0 });
    const patient = await passerelle.givenRecord();
    await passerelle.givenLifecycleStep(patient, { kind: 'close', reason: 'départ' }, T0);
    const suspended = await passerelle.operatorLifecycle.step('operator:alice', patient.key, {
      kind: 'suspend',
      basis: 'decision-judiciaire',
      reference: 'TJ Paris 26/0042',
    });
    expect(suspended).toMatchObject({
      status: 'suspended',
      suspension: { basis: 'decision-judiciaire', resumeStatus: 'closed', at: T0 },
    });
    const [entry] = passerelle.audits.entries;
    expect(entry.record).toMatchObject({
      transaction: 'record-suspend',
      outcome: 'allowed',
      reason: 'decision-judiciaire: TJ Paris 26/0042',
      principal: { kind: 'OPERATOR', subjectId: 'operator:alice' },
    });
    expect(entry.notifications.map((n) => n.payload)).toEqual([
      { change: 'suspend', status: 'suspended', purgeDue: '2036-03-02T09:00:00.000Z' },
    ]);

    const lifted = await passerelle.operatorLifecycle.step('operator:alice', patient.key, {
      kind: 'lift-suspension',
    });
    expect(lifted).toMatchObject({ status: 'closed', closedAt: T0 });
    expect(lifted).not.toHaveProperty('suspension');
    expect(
      await passerelle.operatorLifecycle.step('operator:alice', 'nobody', { kind: 'reopen' }),
    ).toBeUndefined();
  });

  it('opens a record by default: pending, opposable six weeks, the notice sent', async () => {
    const passerelle = new InMemoryPasserelle({ now: () => T0 });
    const patient = await passerelle.givenRecord();
    const fresh = PatientId.of(patient.oid, '277069912345674');
    const { record, created } = await passerelle.operatorLifecycle.openByDefault('operator:bob', {
      patientKey: fresh.key,
      insValue: fresh.value,
      insOid: fresh.oid,
    });
    expect(created).toBe(true);
    expect(record).toMatchObject({ status: 'pending', oppositionUntil: addDays(T0, 42) });
    expect(passerelle.audits.entries[0].notifications[0].payload).toEqual({
      change: 'open-by-default',
      status: 'pending',
      oppositionUntil: addDays(T0, 42).toISOString(),
    });
  });
});
