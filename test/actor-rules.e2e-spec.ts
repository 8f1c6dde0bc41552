import type { Parameters } from 'fhir/r4';
import { ConfigError, loadConfig } from '@passerelle/platform';
import { freshOid, mintAssertion, vihfClaims } from '@passerelle/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ABSENT_AUTHOR,
  BERNARD,
  CONFIDENTIALITY_SYSTEM,
  DmpRecord,
  DmpTestBed,
  EVERY_CERTIFICATE,
  IDNAT,
  PORTAL_STRUCTURE,
} from './support/dmp-test-bed';
import { expectSuccess, postSoap } from './support/xds-client';
import { nistBytes, nistText, provideRequest } from './support/xds-fixtures';

/** The audit trail's subject_id of each certificate of the test bed. */
const SUBJECT_OF: Record<(typeof EVERY_CERTIFICATE)[number], string> = {
  'medecin-generaliste': IDNAT.medecin,
  pharmacien: IDNAT.pharmacien,
  infirmier: IDNAT.infirmier,
  bernard: BERNARD,
  'hopital-org': IDNAT.hopital,
  'laboratoire-org': IDNAT.laboratoire,
  portail: PORTAL_STRUCTURE,
};

/**
 * Who may change the access state (DESIGN §4): a professional acts for himself only, a
 * certificate never acts as the patient, and the patient's notifications carry no medical content.
 */
describe('Actor rules: who may change the access state (MHD door, mutual TLS, PostgreSQL)', () => {
  let bed: DmpTestBed;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
  });

  afterAll(() => bed.close());

  const accessChanges = async (record: DmpRecord) =>
    (await bed.notificationRows(record, 'access-changed')).length;

  describe('$declare-authorisation: a professional declares the patient’s consent for himself only', () => {
    it('a professional declares his own authorisation (no `professional`): 200, then he may search', async () => {
      const record = await bed.newRecord();
      expect((await bed.operation('bernard', record, '$declare-authorisation')).status).toBe(200);
      expect((await bed.search('bernard', record)).status).toBe(200);
    });

    it('naming his own idNat is the same: 200, then he may search', async () => {
      const record = await bed.newRecord();
      const declared = await bed.operation('infirmier', record, '$declare-authorisation', [
        { name: 'professional', valueString: IDNAT.infirmier },
      ]);
      expect(declared.status).toBe(200);
      expect((await bed.search('infirmier', record)).status).toBe(200);
    });

    it('a professional’s own declaration is notified to the patient (access-changed)', async () => {
      const record = await bed.newRecord();
      for (const parameters of [[], [{ name: 'professional', valueString: BERNARD }]]) {
        const before = await accessChanges(record);
        expect(
          (await bed.operation('bernard', record, '$declare-authorisation', parameters)).status,
        ).toBe(200);
        expect(await accessChanges(record)).toBe(before + 1);
      }
    });

    it('an infirmier without authorisation cannot declare one for a médecin (NOT_FOR_HIMSELF): the médecin stays refused', async () => {
      const record = await bed.newRecord();
      const declared = await bed.operation('infirmier', record, '$declare-authorisation', [
        { name: 'professional', valueString: BERNARD },
      ]);
      await bed.expectRefused(declared, 'NOT_FOR_HIMSELF', record, IDNAT.infirmier);
      expect((await bed.search('bernard', record)).status).toBe(403);
      expect((await bed.patient.snapshot(record)).authorisations).not.toContainEqual(
        expect.objectContaining({ subject_id: BERNARD }),
      );
    });

    it('a professional cannot record the patient’s refusal, forbidden=true (PATIENT_ONLY): his authorisation stands', async () => {
      const record = await bed.newRecord();
      await bed.operation('bernard', record, '$declare-authorisation');
      const refusal = await bed.operation('bernard', record, '$declare-authorisation', [
        { name: 'forbidden', valueBoolean: true },
      ]);
      await bed.expectRefused(refusal, 'PATIENT_ONLY', record, BERNARD);
      expect((await bed.search('bernard', record)).status).toBe(200);
    });

    it('an establishment (ORG) certificate declares no authorisation (PROFESSIONAL_ONLY)', async () => {
      const record = await bed.newRecord();
      for (const parameters of [[], [{ name: 'professional', valueString: BERNARD }]]) {
        const declared = await bed.operation(
          'hopital-org',
          record,
          '$declare-authorisation',
          parameters,
        );
        await bed.expectRefused(declared, 'PROFESSIONAL_ONLY', record, IDNAT.hopital);
      }
      expect((await bed.search('bernard', record)).status).toBe(403);
    });
  });

  describe('$revoke-authorisation: the patient’s, or a professional’s own', () => {
    it('a professional revokes his own authorisation: 200, then he is refused', async () => {
      const record = await bed.newRecord();
      await bed.operation('bernard', record, '$declare-authorisation');
      expect((await bed.operation('bernard', record, '$revoke-authorisation')).status).toBe(200);
      const search = await bed.search('bernard', record);
      expect(search.status).toBe(403);
      expect(search.body.issue![0].diagnostics).toMatch(/\(NO_AUTHORISATION\)$/);
    });

    it('a professional cannot revoke a colleague’s authorisation (NOT_FOR_HIMSELF): the colleague still searches', async () => {
      const record = await bed.newRecord();
      await bed.operation('bernard', record, '$declare-authorisation');
      const revoked = await bed.operation('medecin-generaliste', record, '$revoke-authorisation', [
        { name: 'professional', valueString: BERNARD },
      ]);
      await bed.expectRefused(revoked, 'NOT_FOR_HIMSELF', record, IDNAT.medecin);
      expect((await bed.search('bernard', record)).status).toBe(200);
    });
  });

  describe('$declare-medecin-traitant: a médecin already authorised, for himself', () => {
    const maskedRecord = async () => {
      const record = await bed.newRecord();
      await bed.provide(record, [
        { authorId: ABSENT_AUTHOR },
        { authorId: ABSENT_AUTHOR, securityLabels: ['N', 'MASQUE_PS'] },
      ]);
      return record;
    };

    it('a médecin holding a valid authorisation declares himself médecin traitant: 200, then he sees the masked documents', async () => {
      const record = await maskedRecord();
      await bed.operation('bernard', record, '$declare-authorisation');
      expect((await bed.search('bernard', record)).body.total).toBe(1);
      expect((await bed.operation('bernard', record, '$declare-medecin-traitant')).status).toBe(
        200,
      );
      expect((await bed.search('bernard', record)).body.total).toBe(2);
    });

    it('declaring himself médecin traitant is notified to the patient (access-changed)', async () => {
      const record = await maskedRecord();
      await bed.operation('bernard', record, '$declare-authorisation');
      const before = await accessChanges(record);
      expect((await bed.operation('bernard', record, '$declare-medecin-traitant')).status).toBe(
        200,
      );
      expect(await accessChanges(record)).toBe(before + 1);
    });

    it('a médecin without authorisation cannot declare himself médecin traitant (NO_AUTHORISATION)', async () => {
      const record = await maskedRecord();
      const declared = await bed.operation('bernard', record, '$declare-medecin-traitant');
      await bed.expectRefused(declared, 'NO_AUTHORISATION', record, BERNARD);
      expect((await bed.patient.snapshot(record)).medecinsTraitants).toEqual([]);
      expect((await bed.search('bernard', record)).status).toBe(403);
    });

    it('a pharmacien, even authorised, cannot be médecin traitant (NOT_A_MEDECIN)', async () => {
      const record = await maskedRecord();
      await bed.patient.authorise(record, IDNAT.pharmacien);
      const declared = await bed.operation('pharmacien', record, '$declare-medecin-traitant');
      await bed.expectRefused(declared, 'NOT_A_MEDECIN', record, IDNAT.pharmacien);
      expect((await bed.patient.snapshot(record)).medecinsTraitants).toEqual([]);
    });
  });

  describe('the patient’s own decisions: no certificate acts as the patient', () => {
    it('$remove-medecin-traitant is the patient’s alone: PATIENT_ONLY for every certificate, the médecin traitant stays', async () => {
      const record = await bed.newRecord();
      await bed.patient.declareMedecinTraitant(record, IDNAT.medecin);
      for (const who of EVERY_CERTIFICATE) {
        const removed = await bed.operation(who, record, '$remove-medecin-traitant', [
          { name: 'professional', valueString: IDNAT.medecin },
        ]);
        await bed.expectRefused(removed, 'PATIENT_ONLY', record, SUBJECT_OF[who]);
      }
      expect((await bed.patient.snapshot(record)).medecinsTraitants).toEqual([
        { subject_id: IDNAT.medecin },
      ]);
    });

    const PATIENT_DECISIONS: {
      name: string;
      parameters: Parameters['parameter'];
      /** The patient's earlier decision the operation would undo. */
      arrange?: (record: DmpRecord) => Promise<void>;
    }[] = [
      { name: '$block', parameters: [{ name: 'professional', valueString: BERNARD }] },
      {
        name: '$unblock',
        parameters: [{ name: 'professional', valueString: BERNARD }],
        arrange: (record) => bed.patient.block(record, BERNARD),
      },
      {
        name: '$emergency-consents',
        parameters: [{ name: 'otherProfessionals', valueBoolean: false }],
      },
      { name: '$close', parameters: [{ name: 'reason', valueString: 'décès' }] },
      { name: '$reopen', parameters: [], arrange: (record) => bed.patient.close(record, 'décès') },
    ];

    it.each(PATIENT_DECISIONS)(
      '$name is the patient’s alone: PATIENT_ONLY for every certificate (the portal’s ORG 1990000001 too), nothing changes',
      async ({ name, parameters, arrange }) => {
        const record = await bed.newRecord();
        await arrange?.(record);
        const before = await bed.patient.snapshot(record);
        for (const who of EVERY_CERTIFICATE) {
          const answer = await bed.operation(who, record, name, parameters);
          await bed.expectRefused(answer, 'PATIENT_ONLY', record, SUBJECT_OF[who]);
        }
        expect(await bed.patient.snapshot(record)).toEqual(before);
      },
    );

    it('no structure may be configured to act as the patient: loadConfig refuses PATIENT_CHANNEL_STRUCTURES', () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-config-'));
      try {
        const minimal = { DATA_DIR: dataDir, PORT: '0' };
        expect(() => loadConfig(minimal)).not.toThrow();
        const configure = () =>
          loadConfig({ ...minimal, PATIENT_CHANNEL_STRUCTURES: PORTAL_STRUCTURE });
        expect(configure).toThrow(ConfigError);
        expect(configure).toThrow(/PATIENT_CHANNEL_STRUCTURES/);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('the access history is the patient’s: GET AuditEvent answers PATIENT_ONLY to every certificate', async () => {
      const record = await bed.newRecord();
      await bed.provide(record, [{}]);
      await bed.search('bernard', record);
      for (const who of EVERY_CERTIFICATE) {
        const history = await bed.call(who, 'GET', `/AuditEvent?patient=${record.resourceId}`);
        await bed.expectRefused(history, 'PATIENT_ONLY', record, SUBJECT_OF[who]);
        expect(history.text).not.toMatch(/AuditEvent|NO_AUTHORISATION|ITI-65/);
      }
    });
  });

  describe('notifications carry no medical content', () => {
    it('an ITI-65 document is announced as {count: 1}: no title, no type, no author', async () => {
      const record = await bed.newRecord();
      await bed.provide(record, [{ title: 'Compte rendu de consultation en oncologie' }]);
      const rows = await bed.notificationRows(record, 'new-document');
      expect(rows.map((row) => row.payload)).toEqual([{ count: 1 }]);
    });

    it('an ITI-41 document is announced as {count: 1} too', async () => {
      const record = await bed.newRecord();
      const answer = await postSoap(
        bed.gateway,
        'repository',
        provideRequest(nistText('11966', 'submit', 'single_doc.xml'), { patient: record.cx }, [
          { id: 'Document01', bytes: nistBytes('11966', 'submit', 'my_document.txt') },
        ]),
      );
      expectSuccess(answer);
      const rows = await bed.notificationRows(record, 'new-document');
      expect(rows.map((row) => row.payload)).toEqual([{ count: 1 }]);
    });

    it('a document invisible to the patient (INVISIBLE_PATIENT) is not announced', async () => {
      const record = await bed.newRecord();
      await bed.provide(record, [{ securityLabels: ['N', 'INVISIBLE_PATIENT'] }]);
      expect(await bed.notificationRows(record, 'new-document')).toEqual([]);
    });

    it('when its author releases INVISIBLE_PATIENT, the document is announced then, as {count: 1}', async () => {
      const record = await bed.newRecord();
      const { documentIds } = await bed.provide(record, [
        { uniqueId: freshOid(), securityLabels: ['N', 'INVISIBLE_PATIENT'] },
      ]);
      const released = await bed.patch('hopital-org', { id: documentIds[0] }, [
        {
          op: 'replace',
          path: '/securityLabel',
          value: [{ coding: [{ system: CONFIDENTIALITY_SYSTEM, code: 'N' }] }],
        },
      ]);
      expect(released.status).toBe(200);
      expect(released.text).not.toContain('INVISIBLE_PATIENT');
      const rows = await bed.notificationRows(record, 'new-document');
      expect(rows.map((row) => row.payload)).toEqual([{ count: 1 }]);
    });

    it('a bris de glace access is announced without its reason', async () => {
      const record = await bed.newRecord();
      await bed.provide(record, [{}]);
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
      const rows = await bed.notificationRows(record, 'emergency-access');
      expect(rows).toHaveLength(1);
      expect(rows[0].payload).not.toHaveProperty('reason');
      expect(JSON.stringify(rows[0].payload)).not.toContain('inconscient');
    });
  });
});
