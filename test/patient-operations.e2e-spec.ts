import type {
  AuditEvent,
  Bundle,
  Consent,
  DocumentReference,
  Extension,
  List,
  Patient,
} from 'fhir/r4';
import { mintAssertion, vihfClaims } from '@passerelle/testing';
import { unzipSync } from 'fflate';
import { createHash, randomBytes } from 'node:crypto';
import { ABSENT_AUTHOR, BERNARD, DmpTestBed, IDNAT } from './support/dmp-test-bed';
import {
  PatientChannel,
  PatientTestBed,
  fhirJson,
  startPatientTestBed,
} from './support/patient-session';

/** A structure the patient authorises (no professional of the test bed acts for it). */
const STRUCTURE = '1990000093';
const ID_NAT_PS = 'urn:oid:1.2.250.1.71.4.2.1';
const ID_NAT_STRUCT = 'urn:oid:1.2.250.1.71.4.2.2';
const PURPOSE_OF_USE = 'urn:oid:1.2.250.1.213.1.1.4.248';
const EMERGENCY = 'urn:passerelle:audit:emergency';
const PREFERENCES = 'urn:passerelle:fhir:StructureDefinition:notification-preferences';

/** What a PDF document looks like to the gateway: its bytes are random, each its own. */
const aPdf = () => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2048)]);

/**
 * Every operation of the patient's own, with his token (DESIGN §9): his consents as FHIR
 * Consent, `$everything` and `$archive`, notification preferences and contact details, the
 * logical delete and his access history. Real TLS without a client certificate, PostgreSQL.
 */
describe("the patient's operations with his token", () => {
  let patients: PatientTestBed;
  let bed: DmpTestBed;
  let channel: PatientChannel;

  beforeAll(async () => {
    patients = await startPatientTestBed();
    ({ bed, channel } = patients);
  });

  afterAll(async () => {
    await patients.close();
  });

  const get = async (token: string, path: string) =>
    fhirJson(await channel.fhir(token, 'GET', path));

  const operation = async (
    token: string,
    resourceId: string,
    name: string,
    parameter: unknown[] = [],
  ) =>
    fhirJson(
      await channel.fhir(token, 'POST', `/Patient/${resourceId}/${name}`, {
        resourceType: 'Parameters',
        parameter,
      }),
    );

  const resourcesOf = <T>(body: Partial<Bundle>, type: string) =>
    (body.entry ?? [])
      .map((entry) => entry.resource as T & { resourceType: string })
      .filter((resource) => resource.resourceType === type);

  const idsOf = (answer: { body: Partial<Bundle> }) =>
    resourcesOf<DocumentReference>(answer.body, 'DocumentReference')
      .map((d) => d.id)
      .sort();

  describe('Consent: his authorisations, blocks and emergency consents', () => {
    it('lists what he decided, with the right provision types and actors, and reads each one', async () => {
      const { record, token } = await channel.loggedInPatient('consents');
      const declare = (name: string, parameter: unknown[]) =>
        operation(token, record.resourceId, name, parameter);
      expect(
        (await declare('$declare-authorisation', [{ name: 'professional', valueString: BERNARD }]))
          .status,
      ).toBe(200);
      expect(
        (await declare('$declare-authorisation', [{ name: 'structure', valueString: STRUCTURE }]))
          .status,
      ).toBe(200);
      expect(
        (await declare('$block', [{ name: 'professional', valueString: IDNAT.pharmacien }])).status,
      ).toBe(200);
      expect(
        (
          await declare('$emergency-consents', [
            { name: 'centre15', valueBoolean: false },
            { name: 'otherProfessionals', valueBoolean: true },
            { name: 'maskedDocuments', valueBoolean: false },
          ])
        ).status,
      ).toBe(200);

      const search = await get(token, `/Consent?patient=Patient/${record.resourceId}`);
      expect(search.status).toBe(200);
      expect(search.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      const consents = resourcesOf<Consent>(search.body, 'Consent');
      const about = (system: string, value: string) =>
        consents.filter((consent) =>
          consent.provision?.actor?.some(
            (actor) =>
              actor.reference.identifier?.system === system &&
              actor.reference.identifier.value === value,
          ),
        );
      const summary = (consent: Consent) => ({
        patient: consent.patient?.reference,
        status: consent.status,
        type: consent.provision?.type,
        actor: consent.provision?.actor?.map((actor) => actor.reference.type),
      });
      const patient = `Patient/${record.resourceId}`;
      expect(about(ID_NAT_PS, BERNARD).map(summary)).toEqual([
        { patient, status: 'active', type: 'permit', actor: ['Practitioner'] },
      ]);
      expect(about(ID_NAT_STRUCT, STRUCTURE).map(summary)).toEqual([
        { patient, status: 'active', type: 'permit', actor: ['Organization'] },
      ]);
      expect(about(ID_NAT_PS, IDNAT.pharmacien).map(summary)).toEqual([
        { patient, status: 'active', type: 'deny', actor: ['Practitioner'] },
      ]);
      const emergency = consents.find((consent) => consent.id === `${record.resourceId}-emergency`);
      expect(
        emergency?.provision?.provision?.map((provision) => ({
          type: provision.type,
          purposes: provision.purpose?.map((purpose) => purpose.code),
          labels: provision.securityLabel?.map((label) => label.code),
        })),
      ).toEqual([
        { type: 'deny', purposes: ['centre_15'], labels: undefined },
        { type: 'permit', purposes: ['bris_de_glace'], labels: undefined },
        { type: 'deny', purposes: ['centre_15', 'bris_de_glace'], labels: ['MASQUE_PS'] },
      ]);
      expect(search.body.total).toBe(consents.length);

      for (const consent of [about(ID_NAT_STRUCT, STRUCTURE)[0], emergency!]) {
        const read = await get(token, `/Consent/${consent.id}`);
        expect(read).toEqual({ status: 200, body: consent });
      }
    });

    it("answers 404 for another record's consents, searched or read", async () => {
      const { token } = await channel.loggedInPatient('consents-other');
      const other = await bed.newRecord();
      for (const path of [
        `/Consent?patient=Patient/${other.resourceId}`,
        `/Consent/${other.resourceId}-emergency`,
      ]) {
        const answer = await get(token, path);
        expect({ path, status: answer.status, type: answer.body.resourceType }).toEqual({
          path,
          status: 404,
          type: 'OperationOutcome',
        });
      }
    });
  });

  describe('$everything and $archive: his whole record', () => {
    /** Two SubmissionSets: documents he sees, and ones hidden from him or from his parents. */
    const recordWithDocuments = async () => {
      const parent = `parent-export-${Date.now()}@example.org`;
      const patient = await channel.loggedInPatient('export', [
        { email: parent, name: 'Paul MARTIN' },
      ]);
      const contents = [aPdf(), aPdf(), aPdf(), aPdf()];
      const first = await bed.provide(patient.record, [
        { title: 'Compte rendu opératoire', content: contents[0], mimeType: 'application/pdf' },
        {
          title: 'Annonce',
          content: contents[1],
          mimeType: 'application/pdf',
          securityLabels: ['N', 'INVISIBLE_PATIENT'],
        },
      ]);
      const second = await bed.provide(patient.record, [
        { title: 'Radiographie', content: contents[2], mimeType: 'application/pdf' },
        {
          title: 'Consultation confidentielle',
          content: contents[3],
          mimeType: 'application/pdf',
          securityLabels: ['N', 'INVISIBLE_REPRESENTANTS_LEGAUX'],
        },
      ]);
      const [operatoire, annonce] = first.documentIds;
      const [radiographie, confidentielle] = second.documentIds;
      const contentOf = new Map([
        [operatoire, contents[0]],
        [annonce, contents[1]],
        [radiographie, contents[2]],
        [confidentielle, contents[3]],
      ]);
      return {
        ...patient,
        parent,
        lists: [...first.listIds, ...second.listIds],
        documents: { operatoire, annonce, radiographie, confidentielle },
        contentOf,
      };
    };

    const archiveOf = async (token: string, resourceId: string) => {
      const response = await channel.fhir(token, 'GET', `/Patient/${resourceId}/$archive`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/zip/);
      const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
      const manifest = JSON.parse(Buffer.from(files['manifest.json']).toString('utf8')) as {
        patient: string;
        files: {
          path: string;
          documentReference: string;
          size: number;
          sha1: string;
          sha256: string;
        }[];
      };
      const everything = JSON.parse(
        Buffer.from(files['everything.json']).toString('utf8'),
      ) as Bundle;
      return { files, manifest, everything };
    };

    it('$everything: the Patient, the documents he sees (not INVISIBLE_PATIENT) and his Lists', async () => {
      const { record, token, documents, lists } = await recordWithDocuments();
      const answer = await get(token, `/Patient/${record.resourceId}/$everything`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      expect(resourcesOf<Patient>(answer.body, 'Patient').map((p) => p.id)).toEqual([
        record.resourceId,
      ]);
      expect(idsOf(answer)).toEqual(
        [documents.operatoire, documents.radiographie, documents.confidentielle].sort(),
      );
      const listed = resourcesOf<List>(answer.body, 'List');
      expect(listed.map((list) => list.id).sort()).toEqual([...lists].sort());
      const members = listed.flatMap((list) => (list.entry ?? []).map((e) => e.item.reference));
      expect(members).not.toContainEqual(expect.stringContaining(documents.annonce));
      expect(answer.body.total).toBe(answer.body.entry?.length);
    });

    it('$archive: each document byte-identical, a manifest whose digests match, the $everything Bundle', async () => {
      const { record, token, documents, contentOf } = await recordWithDocuments();
      const { files, manifest, everything } = await archiveOf(token, record.resourceId);
      expect(manifest.patient).toBe(record.resourceId);
      expect(manifest.files.map((file) => file.documentReference).sort()).toEqual(
        [documents.operatoire, documents.radiographie, documents.confidentielle].sort(),
      );
      for (const file of manifest.files) {
        const provided = contentOf.get(file.documentReference)!;
        const archived = Buffer.from(files[file.path]);
        expect(file.path).toMatch(/^documents\/\d+-[A-Za-z0-9._-]+\.pdf$/);
        expect(archived.equals(provided)).toBe(true);
        expect({ size: file.size, sha1: file.sha1, sha256: file.sha256 }).toEqual({
          size: provided.length,
          sha1: createHash('sha1').update(provided).digest('hex'),
          sha256: createHash('sha256').update(provided).digest('hex'),
        });
      }
      const documentFiles = Object.keys(files).filter((path) => path.startsWith('documents/'));
      expect(documentFiles.sort()).toEqual(manifest.files.map((file) => file.path).sort());
      const hidden = contentOf.get(documents.annonce)!;
      expect(Object.values(files).some((bytes) => Buffer.from(bytes).equals(hidden))).toBe(false);

      expect(everything).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      const fromArchive = resourcesOf<DocumentReference>(everything, 'DocumentReference');
      expect(fromArchive.map((d) => d.id).sort()).toEqual(
        manifest.files.map((file) => file.documentReference).sort(),
      );
      const live = await get(token, `/Patient/${record.resourceId}/$everything`);
      expect({ ...everything, timestamp: undefined }).toEqual({
        ...live.body,
        timestamp: undefined,
      });
    });

    it('a legal representative’s archive and $everything lack INVISIBLE_REPRESENTANTS_LEGAUX documents', async () => {
      const { record, parent, documents, contentOf } = await recordWithDocuments();
      const representative = (await channel.login(parent)).tokens.access_token;
      const seen = [documents.operatoire, documents.radiographie].sort();

      const { files, manifest, everything } = await archiveOf(representative, record.resourceId);
      expect(manifest.files.map((file) => file.documentReference).sort()).toEqual(seen);
      expect(
        resourcesOf<DocumentReference>(everything, 'DocumentReference')
          .map((d) => d.id)
          .sort(),
      ).toEqual(seen);
      const confidential = contentOf.get(documents.confidentielle)!;
      expect(Object.values(files).some((bytes) => Buffer.from(bytes).equals(confidential))).toBe(
        false,
      );
      expect(idsOf(await get(representative, `/Patient/${record.resourceId}/$everything`))).toEqual(
        seen,
      );
    });

    it.each(['$everything', '$archive'])(
      '%s of another record answers 404, nothing of it',
      async (name) => {
        const { token } = await channel.loggedInPatient('export-other');
        const other = await bed.newRecord();
        await bed.provide(other, [{ title: 'Autre patient' }]);
        const response = await channel.fhir(token, 'GET', `/Patient/${other.resourceId}/${name}`);
        const text = await response.text();
        expect(response.status).toBe(404);
        expect(JSON.parse(text)).toMatchObject({ resourceType: 'OperationOutcome' });
        expect(text).not.toMatch(/Autre patient|DocumentReference/);
      },
    );
  });

  describe('$notification-preferences and $contact', () => {
    const preferencesOf = (patient: Patient) =>
      patient.extension
        ?.find((extension) => extension.url === PREFERENCES)
        ?.extension?.map((e: Extension) => [e.url, e.valueBoolean]);

    it('he sets them; his Patient shows them to him, never to the médecin', async () => {
      const { record, token } = await channel.loggedInPatient('contact');
      const email = `nouvelle-${Date.now()}@example.org`;
      expect(
        await operation(token, record.resourceId, '$notification-preferences', [
          { name: 'newDocument', valueBoolean: false },
          { name: 'firstAccess', valueBoolean: true },
        ]),
      ).toMatchObject({ status: 200, body: { resourceType: 'Parameters' } });
      expect(
        await operation(token, record.resourceId, '$contact', [
          { name: 'email', valueString: email },
          { name: 'phone', valueString: '06 12 34 56 78' },
        ]),
      ).toMatchObject({ status: 200, body: { resourceType: 'Parameters' } });

      const own = await get(token, `/Patient/${record.resourceId}`);
      expect(own.status).toBe(200);
      const patient = own.body as unknown as Patient;
      expect(patient.telecom).toEqual([
        { system: 'email', value: email },
        { system: 'phone', value: '+33612345678' },
      ]);
      expect(preferencesOf(patient)).toEqual([
        ['newDocument', false],
        ['firstAccess', true],
        ['accessChanged', true],
      ]);

      const byMedecin = await bed.call(
        'medecin-generaliste',
        'GET',
        `/Patient/${record.resourceId}`,
      );
      expect(byMedecin.status).toBe(200);
      expect(byMedecin.body).not.toHaveProperty('telecom');
      expect(preferencesOf(byMedecin.body as unknown as Patient)).toBeUndefined();
      expect(byMedecin.text).not.toMatch(new RegExp(`${email}|612345678`));
    });

    it('queues no new-document notice once he turned them off, and one once he turned them on', async () => {
      const { record, token } = await channel.loggedInPatient('quiet');
      const newDocument = (wanted: boolean) =>
        operation(token, record.resourceId, '$notification-preferences', [
          { name: 'newDocument', valueBoolean: wanted },
        ]);
      expect((await newDocument(false)).status).toBe(200);
      await bed.provide(record, [{ title: 'Sans avis' }]);
      expect(await bed.notificationRows(record, 'new-document')).toEqual([]);
      expect((await newDocument(true)).status).toBe(200);
      await bed.provide(record, [{ title: 'Avec avis' }]);
      expect(await bed.notificationRows(record, 'new-document')).toHaveLength(1);
    });

    it('refuses to turn emergency-access notices off (422), changing nothing', async () => {
      const { record, token } = await channel.loggedInPatient('emergency-notice');
      const refused = await operation(token, record.resourceId, '$notification-preferences', [
        { name: 'newDocument', valueBoolean: false },
        { name: 'emergencyAccess', valueBoolean: false },
      ]);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [expect.objectContaining({ code: 'business-rule' })],
      });
      const patient = (await get(token, `/Patient/${record.resourceId}`))
        .body as unknown as Patient;
      expect(preferencesOf(patient)).toEqual([
        ['newDocument', true],
        ['firstAccess', true],
        ['accessChanged', true],
      ]);
    });
  });

  describe('DELETE DocumentReference/{id}: the patient’s logical delete', () => {
    it('204; the document is gone from his search and from the médecin’s', async () => {
      const { record, token } = await channel.loggedInPatient('delete');
      const { documentIds } = await bed.provide(
        record,
        [{ authorId: ABSENT_AUTHOR }, { authorId: ABSENT_AUTHOR }],
        'laboratoire-org',
      );
      const [deleted, kept] = documentIds;
      const ownSearch = () => get(token, `/DocumentReference?patient=Patient/${record.resourceId}`);
      expect(idsOf(await ownSearch())).toEqual([deleted, kept].sort());
      expect(idsOf(await bed.search('medecin-generaliste', record))).toEqual(
        [deleted, kept].sort(),
      );

      const answer = await channel.fhir(token, 'DELETE', `/DocumentReference/${deleted}`);
      expect({ status: answer.status, text: await answer.text() }).toEqual({
        status: 204,
        text: '',
      });
      expect(idsOf(await ownSearch())).toEqual([kept]);
      expect(idsOf(await bed.search('medecin-generaliste', record))).toEqual([kept]);
      expect((await get(token, `/DocumentReference/${deleted}`)).status).toBe(404);
    });

    it('answers 404 for another record’s document, which stays', async () => {
      const { token } = await channel.loggedInPatient('delete-other');
      const other = await bed.newRecord();
      const { documentIds } = await bed.provide(other, [{ authorId: ABSENT_AUTHOR }]);
      const answer = await channel.fhir(token, 'DELETE', `/DocumentReference/${documentIds[0]}`);
      expect(answer.status).toBe(404);
      expect(idsOf(await bed.search('medecin-generaliste', other))).toEqual(documentIds);
    });
  });

  describe('AuditEvent: his access history', () => {
    it('names the professional who consulted, and flags his emergency access', async () => {
      const { record, token } = await channel.loggedInPatient('history');
      await bed.provide(record, [{ title: 'Compte rendu' }]);
      const emergency = await mintAssertion({
        signer: bed.certificate('bernard'),
        claims: vihfClaims({
          sub: BERNARD,
          roles: ['10', 'SM26'],
          mode: 'DIRECTE',
          purposeOfUse: 'bris_de_glace',
          accessReason: 'Patient inconscient aux urgences',
        }),
      });
      expect((await bed.search('bernard', record, '', emergency)).status).toBe(200);
      expect(
        (
          await operation(token, record.resourceId, '$declare-authorisation', [
            { name: 'professional', valueString: BERNARD },
          ])
        ).status,
      ).toBe(200);
      expect((await bed.search('bernard', record)).status).toBe(200);

      const history = await get(token, `/AuditEvent?patient=Patient/${record.resourceId}`);
      expect(history.status).toBe(200);
      const consultations = resourcesOf<AuditEvent>(history.body, 'AuditEvent')
        .filter((event) => event.agent[0].who?.identifier?.value === BERNARD)
        .map((event) => ({
          transaction: event.subtype?.[0].code,
          who: event.agent[0].who,
          purpose: event.purposeOfEvent?.[0].coding?.[0],
          reason: event.purposeOfEvent?.[0].text,
          emergency: event.extension?.find((extension) => extension.url === EMERGENCY)
            ?.valueBoolean,
        }));
      const who = { identifier: { value: BERNARD }, display: 'Sophie BERNARD' };
      expect(consultations).toEqual([
        {
          transaction: 'ITI-67',
          who,
          purpose: { system: PURPOSE_OF_USE, code: 'normal' },
          reason: undefined,
          emergency: false,
        },
        {
          transaction: 'ITI-67',
          who,
          purpose: { system: PURPOSE_OF_USE, code: 'bris_de_glace' },
          reason: 'Patient inconscient aux urgences',
          emergency: true,
        },
      ]);
    });
  });
});
