import type { Bundle, DocumentReference, List, OperationOutcome } from 'fhir/r4';
import type { UseCaseResolver } from '@passerelle/audit';
import { ExportRecord } from '@passerelle/document-repository';
import type { DocumentEntry, PatientId, Principal } from '@passerelle/domain';
import { InMemoryPasserelle, aMedecin, thePatientOf } from '@passerelle/testing';
import { unzipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { capabilityStatement } from '../door/capability-statement';
import { failureReply } from '../door/fhir-errors';
import type { FhirReply, FhirTransaction } from '../door/fhir-transaction';
import { FHIR_TRANSACTIONS } from '../door/fhir-transactions';
import { patientResourceId } from '../resources/patient-reference';
import type { Manifest } from './record-archive';
import { documentPath } from './record-archive';
import { RECORD_ARCHIVE, RECORD_EVERYTHING } from './record-export';

const BASE_URL = 'https://dmp.example.fr/fhir';
const OPTIONS = { repositoryUniqueId: '1.2.250.1.999.1', maxPageSize: 500 };

describe('Patient $everything and $archive (the FHIR door of the record export)', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const author = aMedecin();
    const patient = await passerelle.givenRecord();
    const report = await passerelle.givenDocument(author, patient, {
      title: 'Compte rendu d’échographie',
      mimeType: 'application/pdf',
      content: Buffer.from('%PDF-1.7 \u00e9\u0000\u00ff binary bytes'),
    });
    const letter = await passerelle.givenDocument(author, patient, { title: 'Lettre' });
    const invisibleToPatient = await passerelle.givenDocument(author, patient, {
      restrictions: ['INVISIBLE_PATIENT'],
    });
    const invisibleToRepresentatives = await passerelle.givenDocument(author, patient, {
      restrictions: ['INVISIBLE_REPRESENTANTS_LEGAUX'],
    });
    const useCases = ((type: unknown) => {
      if (type !== ExportRecord) throw new Error('Only ExportRecord runs here');
      return passerelle.exportRecord;
    }) as UseCaseResolver;
    const run = async (
      transaction: FhirTransaction,
      actor: Principal,
      id = patient,
    ): Promise<FhirReply> => {
      const request = {
        params: { id: patientResourceId(id) },
        query: {},
        body: undefined,
        headers: {},
        baseUrl: BASE_URL,
      };
      const outcome = await transaction.handle(useCases, actor, request, OPTIONS);
      return outcome.ok ? outcome.value : failureReply(outcome.error);
    };
    return {
      passerelle,
      patient,
      run,
      report,
      letter,
      invisibleToPatient,
      invisibleToRepresentatives,
    };
  };

  const stored = async (passerelle: InMemoryPasserelle, entry: DocumentEntry) =>
    (await passerelle.contents.read(entry.patientKey, entry.contentId!))!.bytes;

  const unzipped = async (reply: FhirReply) => {
    const chunks: Buffer[] = [];
    for await (const chunk of reply.body as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
    const files = unzipSync(Buffer.concat(chunks));
    const json = <T>(path: string) => JSON.parse(Buffer.from(files[path]).toString('utf8')) as T;
    return {
      files,
      manifest: json<Manifest>('manifest.json'),
      everything: json<Bundle>('everything.json'),
    };
  };

  const documentIds = (bundle: Bundle) =>
    (bundle.entry ?? [])
      .map((e) => e.resource)
      .filter((r): r is DocumentReference => r?.resourceType === 'DocumentReference')
      .map((r) => r.masterIdentifier!.value)
      .sort();

  const uniqueIdUris = (...entries: DocumentEntry[]) =>
    entries.map((entry) => `urn:oid:${entry.uniqueId}`).sort();

  describe('$everything', () => {
    it('answers the patient a searchset of his Patient, the DocumentReferences he sees and their SubmissionSets, with absolute fullUrls', async () => {
      const { patient, run, report, letter, invisibleToRepresentatives } = await setUp();
      const reply = await run(RECORD_EVERYTHING, thePatientOf(patient));
      expect(reply.status).toBe(200);
      const bundle = reply.body as Bundle;
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      expect(bundle.entry![0].resource).toMatchObject({
        resourceType: 'Patient',
        id: patientResourceId(patient),
        identifier: [{ system: patient.fhirSystem, value: patient.value }],
        active: true,
      });
      expect(documentIds(bundle)).toEqual(uniqueIdUris(report, letter, invisibleToRepresentatives));
      const lists = bundle
        .entry!.map((e) => e.resource)
        .filter((r): r is List => r?.resourceType === 'List');
      expect(lists.map((list) => list.id).sort()).toEqual(
        [report, letter, invisibleToRepresentatives]
          .map((e) => e.submissionSetUuid.slice(9))
          .sort(),
      );
      for (const entry of bundle.entry!) {
        expect(entry.fullUrl).toBe(
          `${BASE_URL}/${entry.resource!.resourceType}/${entry.resource!.id}`,
        );
      }
      expect(bundle.total).toBe(bundle.entry!.length);
    });

    it('leaves out, for a legal representative, the documents invisible to legal representatives', async () => {
      const { patient, run, report, letter } = await setUp();
      const reply = await run(
        RECORD_EVERYTHING,
        thePatientOf(patient, { role: 'REPRESENTANT_LEGAL' }),
      );
      expect(documentIds(reply.body as Bundle)).toEqual(uniqueIdUris(report, letter));
    });

    it('reads no document content', async () => {
      const { passerelle, patient, run } = await setUp();
      await run(RECORD_EVERYTHING, thePatientOf(patient));
      expect(passerelle.contents.reads).toEqual([]);
    });
  });

  describe('$archive', () => {
    it('zips each document he sees exactly as stored, named by number, title and type', async () => {
      const { passerelle, patient, run, report, letter, invisibleToRepresentatives } =
        await setUp();
      const reply = await run(RECORD_ARCHIVE, thePatientOf(patient));
      expect(reply.status).toBe(200);
      expect(reply.contentType).toBe('application/zip');
      const day = new Date().toISOString().slice(0, 10);
      expect(reply.headers).toEqual({
        'Content-Disposition': `attachment; filename="dmp-${patientResourceId(patient)}-${day}.zip"`,
      });
      const { files, manifest } = await unzipped(reply);
      const documents = Object.keys(files).filter((path) => path.startsWith('documents/'));
      expect(documents).toHaveLength(3);
      expect(documents).toEqual(manifest.files.map((file) => file.path));
      for (const entry of [report, letter, invisibleToRepresentatives]) {
        const file = manifest.files.find((f) => f.uniqueId === entry.uniqueId)!;
        expect(Buffer.from(files[file.path]).equals(await stored(passerelle, entry))).toBe(true);
      }
      const reportPath = manifest.files.find((f) => f.uniqueId === report.uniqueId)!.path;
      expect(reportPath).toMatch(/^documents\/\d-Compte-rendu-d-echographie\.pdf$/);
    });

    it('writes a manifest whose sizes, SHA-1 and SHA-256 are those of the zipped bytes', async () => {
      const { patient, run, report } = await setUp();
      const { files, manifest } = await unzipped(await run(RECORD_ARCHIVE, thePatientOf(patient)));
      expect(manifest.patient).toBe(patientResourceId(patient));
      expect(Date.now() - new Date(manifest.exportedAt).getTime()).toBeLessThan(60_000);
      for (const file of manifest.files) {
        const bytes = files[file.path];
        expect({ size: file.size, sha1: file.sha1, sha256: file.sha256 }).toEqual({
          size: bytes.length,
          sha1: createHash('sha1').update(bytes).digest('hex'),
          sha256: createHash('sha256').update(bytes).digest('hex'),
        });
      }
      expect(manifest.files.find((f) => f.uniqueId === report.uniqueId)).toEqual({
        path: expect.any(String),
        documentReference: report.logicalId.slice('urn:uuid:'.length),
        uniqueId: report.uniqueId,
        title: 'Compte rendu d’échographie',
        typeCode: report.typeCode,
        classCode: report.classCode,
        creationTime: report.creationTime.toISOString(),
        mimeType: 'application/pdf',
        size: report.size,
        sha1: report.hashSha1,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });

    it('holds everything.json, the $everything Bundle of the same export', async () => {
      const { patient, run } = await setUp();
      const { everything } = await unzipped(await run(RECORD_ARCHIVE, thePatientOf(patient)));
      const direct = (await run(RECORD_EVERYTHING, thePatientOf(patient))).body as Bundle;
      const withoutTime = ({ timestamp: _timestamp, ...bundle }: Bundle) => bundle;
      expect(withoutTime(everything)).toEqual(withoutTime(direct));
    });

    it('leaves out of the zip and its manifest what a legal representative may not see', async () => {
      const { patient, run, report, letter } = await setUp();
      const representative = thePatientOf(patient, { role: 'REPRESENTANT_LEGAL' });
      const { files, manifest, everything } = await unzipped(
        await run(RECORD_ARCHIVE, representative),
      );
      expect(manifest.files.map((f) => f.uniqueId).sort()).toEqual(
        [report.uniqueId, letter.uniqueId].sort(),
      );
      expect(Object.keys(files).filter((path) => path.startsWith('documents/'))).toHaveLength(2);
      expect(documentIds(everything)).toEqual(uniqueIdUris(report, letter));
    });
  });

  describe('refusals, as OperationOutcomes', () => {
    it.each([
      ['$everything', RECORD_EVERYTHING],
      ['$archive', RECORD_ARCHIVE],
    ])(
      '%s: a professional, even authorised, is refused PATIENT_ONLY (403), no content read',
      async (_name, transaction) => {
        const { passerelle, patient, run } = await setUp();
        const medecin = aMedecin();
        await passerelle.givenAuthorisation(patient, medecin);
        const reply = await run(transaction, medecin);
        expect(reply.status).toBe(403);
        const outcome = reply.body as OperationOutcome;
        expect(outcome.issue[0]).toMatchObject({
          code: 'forbidden',
          diagnostics: expect.stringMatching(/\(PATIENT_ONLY\)$/),
        });
        expect(passerelle.contents.reads).toEqual([]);
      },
    );

    it.each([
      ['$everything', RECORD_EVERYTHING],
      ['$archive', RECORD_ARCHIVE],
    ])(
      '%s: a patient token for another record is answered not found (404)',
      async (_name, transaction) => {
        const { passerelle, patient, run } = await setUp();
        const other: PatientId = await passerelle.givenRecord();
        const reply = await run(transaction, thePatientOf(other), patient);
        expect(reply.status).toBe(404);
        expect((reply.body as OperationOutcome).issue[0].code).toBe('not-found');
        expect(passerelle.contents.reads).toEqual([]);
      },
    );
  });

  it('lists both operations in the CapabilityStatement, $everything by its HL7 definition', () => {
    const statement = capabilityStatement(FHIR_TRANSACTIONS, BASE_URL, 'test');
    const patient = statement.rest![0].resource!.find((r) => r.type === 'Patient')!;
    expect(patient.operation).toEqual(
      expect.arrayContaining([
        {
          name: 'everything',
          definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
        },
        { name: 'archive', definition: 'urn:passerelle:fhir:OperationDefinition:Patient-archive' },
      ]),
    );
  });

  it('names document files in ASCII, without a path, their extension from the media type', () => {
    const named = (title: string | undefined, mimeType: string) =>
      documentPath(7, 3, { title, mimeType } as DocumentEntry);
    expect(named('Résultats d’analyses / biologie', 'text/plain; charset=utf-8')).toBe(
      'documents/007-Resultats-d-analyses-biologie.txt',
    );
    expect(named('../../etc/passwd', 'application/hl7-v3+xml')).toBe(
      'documents/007-etc-passwd.xml',
    );
    expect(named(undefined, 'application/x-unknown')).toBe('documents/007-document.bin');
  });
});
