import type { DocumentReference, Patient } from 'fhir/r4';
import { freshPatient, mintAssertion, vihfClaims } from '@passerelle/testing';
import { Answer, BERNARD, DmpRecord, DmpTestBed, IDNAT } from './support/dmp-test-bed';

const CATEGORY = 'urn:passerelle:fhir:CodeSystem:categorie-mon-espace-sante';
const TRE_A03 = 'urn:oid:1.2.250.1.213.1.1.4.1';
const TRE_A03_FHIR =
  'https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * What needs no patient token of the patient's own operations: notification preferences and
 * contact details refused to every certificate, and honoured when notifications are queued; the
 * logical delete (DELETE DocumentReference); the patient categories of Mon espace santé in
 * ITI-67. Mutual TLS, PostgreSQL.
 */
describe('Notification preferences, contact details, DELETE and patient categories (MHD door, mutual TLS, PostgreSQL)', () => {
  let bed: DmpTestBed;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
  });

  afterAll(() => bed.close());

  const contactRow = async (record: Pick<DmpRecord, 'key'>) => {
    const { rows } = await bed.database.query<{
      email: string | null;
      phone: string | null;
      notification_preferences: Record<string, boolean>;
    }>(
      `SELECT demographics->>'email' AS email, phone, notification_preferences
         FROM patient_record WHERE patient_key = $1`,
      [record.key],
    );
    return rows[0];
  };

  const setPreferences = (record: DmpRecord, preferences: Record<string, boolean>) =>
    bed.database.query(
      `UPDATE patient_record SET notification_preferences = $2::jsonb WHERE patient_key = $1`,
      [record.key, JSON.stringify(preferences)],
    );

  const documentsOf = (answer: Answer) =>
    (answer.body.entry ?? []).map((entry) => entry.resource as DocumentReference);

  describe('$notification-preferences and $contact: the patient’s only', () => {
    it('refuses every certificate, the médecin traitant’s too (403 PATIENT_ONLY), changing nothing', async () => {
      const record = await bed.newRecord();
      await bed.database.query(
        `UPDATE patient_record SET demographics = demographics || '{"email": "marie@example.fr"}'
          WHERE patient_key = $1`,
        [record.key],
      );
      await bed.patient.declareMedecinTraitant(record, BERNARD);
      const subjects = {
        'medecin-generaliste': IDNAT.medecin,
        bernard: BERNARD,
        'hopital-org': IDNAT.hopital,
      };
      for (const [who, subjectId] of Object.entries(subjects)) {
        const preferences = await bed.operation(who, record, '$notification-preferences', [
          { name: 'newDocument', valueBoolean: false },
          { name: 'emergencyAccess', valueBoolean: false },
        ]);
        await bed.expectRefused(preferences, 'PATIENT_ONLY', record, subjectId);
        const contact = await bed.operation(who, record, '$contact', [
          { name: 'email', valueString: 'pirate@example.fr' },
          { name: 'phone', valueString: '06 12 34 56 78' },
        ]);
        await bed.expectRefused(contact, 'PATIENT_ONLY', record, subjectId);
      }
      expect(await contactRow(record)).toEqual({
        email: 'marie@example.fr',
        phone: null,
        notification_preferences: {},
      });
    });

    it('shows a professional no contact details, whichever way he reads the Patient', async () => {
      const patient = freshPatient();
      const oid = patient.system.slice('urn:oid:'.length);
      const record = {
        ...patient,
        key: `${patient.nir}^^^&${oid}&ISO`,
        resourceId: `${oid}-${patient.nir}`,
      };
      const opened = await bed.call('medecin-generaliste', 'POST', '/Patient', {
        resourceType: 'Patient',
        identifier: [{ system: patient.system, value: patient.nir }],
        telecom: [{ system: 'email', value: 'marie@example.fr' }],
      });
      expect(opened.status).toBe(201);
      expect((await contactRow(record)).email).toBe('marie@example.fr');
      await bed.database.query(
        `UPDATE patient_record SET phone = '+33612345678',
           demographics = demographics || '{"email": "marie@example.fr"}' WHERE patient_key = $1`,
        [record.key],
      );
      const read = await bed.call('medecin-generaliste', 'GET', `/Patient/${record.resourceId}`);
      const found = await bed.call(
        'medecin-generaliste',
        'GET',
        `/Patient?identifier=${encodeURIComponent(record.token)}`,
      );
      for (const patient of [
        opened.body as unknown as Patient,
        read.body as unknown as Patient,
        found.body.entry![0].resource as Patient,
      ]) {
        expect(patient.id).toBe(record.resourceId);
        expect(patient).not.toHaveProperty('telecom');
        expect(patient.extension?.map((e) => e.url)).toEqual([
          'urn:passerelle:fhir:StructureDefinition:dmp-record-status',
        ]);
      }
      expect(read.text).not.toContain('marie@example.fr');
      expect(found.text).not.toContain('612345678');
    });
  });

  describe('the outbox honours the patient’s preferences (one statement with the audit record)', () => {
    it('queues no new-document notice when he turned them off; a record that did not is told', async () => {
      const quiet = await bed.newRecord();
      const told = await bed.newRecord();
      await setPreferences(quiet, { 'new-document': false });
      await bed.provide(quiet, [{}]);
      await bed.provide(told, [{}]);
      expect(await bed.notificationRows(quiet, 'new-document')).toEqual([]);
      expect(await bed.notificationRows(told, 'new-document')).toHaveLength(1);
      expect((await bed.auditRows(quiet)).at(-1)).toMatchObject({
        transaction: 'ITI-65',
        outcome: 'allowed',
      });
    });

    it('queues no first-access notice when he turned them off, and the access still counts as the first', async () => {
      const record = await bed.newRecord();
      await bed.patient.authorise(record, BERNARD);
      await setPreferences(record, { 'first-access': false });
      expect((await bed.search('bernard', record)).status).toBe(200);
      const firstAccesses = async () =>
        (
          await bed.database.query<{ subject_id: string }>(
            `SELECT subject_id FROM professional_first_access WHERE patient_key = $1`,
            [record.key],
          )
        ).rows;
      expect(await firstAccesses()).toContainEqual({ subject_id: BERNARD });
      await setPreferences(record, {});
      expect((await bed.search('bernard', record)).status).toBe(200);
      const announced = await bed.notificationRows(record, 'first-access');
      expect(announced.filter((row) => row.payload.professional === BERNARD)).toEqual([]);
    });

    it('queues every emergency access, whatever the preferences say', async () => {
      const record = await bed.newRecord();
      await bed.provide(record, [{}]);
      await setPreferences(record, {
        'new-document': false,
        'first-access': false,
        'access-changed': false,
        'emergency-access': false,
      });
      const bearer = await mintAssertion({
        signer: bed.certificate('bernard'),
        claims: vihfClaims({
          sub: BERNARD,
          roles: ['10', 'SM26'],
          mode: 'DIRECTE',
          purposeOfUse: 'bris_de_glace',
          accessReason: 'Patient inconscient aux urgences',
        }),
      });
      expect((await bed.search('bernard', record, '', bearer)).status).toBe(200);
      expect(await bed.notificationRows(record, 'emergency-access')).toHaveLength(1);
      expect(await bed.notificationRows(record, 'first-access')).toEqual([]);
    });
  });

  describe('DELETE /fhir/DocumentReference/{id}: the logical delete', () => {
    it('the author deletes his document: 204, then it is gone from ITI-67 (the author keeps it, entered-in-error)', async () => {
      const record = await bed.newRecord();
      await bed.patient.authorise(record, BERNARD);
      const { documentIds } = await bed.provide(record, [{}, {}]);
      const [deleted, kept] = documentIds;
      expect(documentsOf(await bed.search('bernard', record))).toHaveLength(2);

      const answer = await bed.call(
        'medecin-generaliste',
        'DELETE',
        `/DocumentReference/${deleted}`,
      );
      expect({ status: answer.status, text: answer.text }).toEqual({ status: 204, text: '' });

      expect(documentsOf(await bed.search('bernard', record)).map((d) => d.id)).toEqual([kept]);
      expect(
        documentsOf(await bed.search('medecin-generaliste', record, '&status=current')).map(
          (d) => d.id,
        ),
      ).toEqual([kept]);
      const own = documentsOf(await bed.search('medecin-generaliste', record));
      expect(own.find((d) => d.id === deleted)?.status).toBe('entered-in-error');
      expect((await bed.call('bernard', 'GET', `/DocumentReference/${deleted}`)).status).toBe(404);
      expect(await bed.auditRows(record)).toContainEqual(
        expect.objectContaining({
          transaction: 'metadata-update',
          outcome: 'allowed',
          subject_id: IDNAT.medecin,
        }),
      );
      const { rows } = await bed.database.query<{ status: string }>(
        `SELECT status FROM document_entry WHERE patient_key = $1 AND logical_id = $2 AND is_latest`,
        [record.key, `urn:uuid:${deleted}`],
      );
      expect(rows).toEqual([{ status: 'Deleted' }]);
    });

    it('another professional who sees the document is refused (403 NOT_AUTHOR); one who may not see it gets the unknown id’s 404', async () => {
      const record = await bed.newRecord();
      await bed.patient.authorise(record, BERNARD);
      const { documentIds } = await bed.provide(record, [{}]);
      const [id] = documentIds;

      const refused = await bed.call('bernard', 'DELETE', `/DocumentReference/${id}`);
      await bed.expectRefused(refused, 'NOT_AUTHOR', record, BERNARD);

      const hidden = await bed.call('pharmacien', 'DELETE', `/DocumentReference/${id}`);
      const unknown = await bed.call('pharmacien', 'DELETE', `/DocumentReference/${UNKNOWN_ID}`);
      expect(hidden.status).toBe(404);
      expect(hidden.text).toBe(unknown.text.replaceAll(UNKNOWN_ID, id));
      expect(documentsOf(await bed.search('bernard', record)).map((d) => d.id)).toEqual([id]);
    });
  });

  describe('ITI-67 category: the patient categories of Mon espace santé', () => {
    it('expands a category to its classes ("autres": any other), on PostgreSQL; writes it beside the classCode', async () => {
      const record = await bed.newRecord();
      const { documentIds } = await bed.provide(record, [
        { classCode: '11' },
        { classCode: '10' },
        { classCode: '42' },
        { classCode: '60' },
        { classCode: '95' },
      ]);
      const [synthese, compteRendu, prescription, remboursement, divers] = documentIds;
      const byCategory = async (value: string) => {
        const answer = await bed.search(
          'medecin-generaliste',
          record,
          `&category=${encodeURIComponent(value)}`,
        );
        expect(answer.status).toBe(200);
        return documentsOf(answer)
          .map((d) => d.id)
          .sort();
      };
      expect(await byCategory(`${CATEGORY}|syntheses`)).toEqual([synthese]);
      expect(await byCategory(`${CATEGORY}|traitements-et-soins`)).toEqual([prescription]);
      expect(await byCategory(`${CATEGORY}|autres`)).toEqual([remboursement, divers].sort());
      expect(await byCategory(`${CATEGORY}|comptes-rendus,${CATEGORY}|autres`)).toEqual(
        [compteRendu, remboursement, divers].sort(),
      );
      expect(await byCategory(`${TRE_A03}|11,${CATEGORY}|imagerie-medicale`)).toEqual([synthese]);

      const all = documentsOf(await bed.search('medecin-generaliste', record));
      const categoryOf = (id: string) => all.find((d) => d.id === id)!.category![0].coding;
      expect(categoryOf(prescription)).toEqual([
        { system: TRE_A03_FHIR, code: '42' },
        { system: CATEGORY, code: 'traitements-et-soins', display: 'Traitements et soins' },
      ]);
      expect(categoryOf(divers)![1]).toEqual({
        system: CATEGORY,
        code: 'autres',
        display: 'Autres',
      });
    });

    it('refuses a category that does not exist (400 OperationOutcome)', async () => {
      const record = await bed.newRecord();
      const answer = await bed.search(
        'medecin-generaliste',
        record,
        `&category=${encodeURIComponent(`${CATEGORY}|biologie-nucleaire`)}`,
      );
      expect(answer.status).toBe(400);
      expect(answer.body.resourceType).toBe('OperationOutcome');
      expect(answer.body.issue![0]).toMatchObject({
        severity: 'error',
        code: 'value',
        diagnostics: expect.stringContaining('biologie-nucleaire'),
      });
    });
  });
});
