import { PatientId } from '@passerelle/domain';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetadataError } from './document-metadata';
import { draftFromOptions } from './metadata-sources';
import { DocumentInvalid, PushSettings, prepareDocument, submissionOf } from './prepare-document';

const CDA = join(__dirname, '../../../../fixtures/cda');
const LAB_REPORT = join(CDA, 'written/CR-BIO_lab-report.xml');
const LOINC = '2.16.840.1.113883.6.1';
const LAB = {
  institutions: [
    { name: 'Laboratoire de Test', id: '1690000000', assigningAuthority: '1.2.250.1.71.4.2.2' },
  ],
  roles: [],
  specialties: [],
  telecom: [],
};
const SETTINGS: PushSettings = {
  overrides: {},
  uniqueIdRoot: '2.25',
  sourceId: '1.2.250.1.999.7',
  submitter: LAB,
};

async function problemsOf(promise: Promise<unknown>): Promise<readonly string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DocumentInvalid) return error.problems;
    throw error;
  }
  throw new Error('the document was accepted');
}

describe('prepareDocument', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-prepare-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('derives every metadata of a CR-BIO lab report from its header and the national tables', async () => {
    const prepared = await prepareDocument(LAB_REPORT, SETTINGS);
    expect(prepared.kind).toBe('CDA');
    expect(prepared.metadata).toMatchObject({
      uniqueId: '1.2.250.1.999.4.1.2024.3^CRBIO-000123',
      title: "Compte rendu d'examens de biologie médicale",
      typeCode: { code: '11502-2', codeSystem: LOINC },
      classCode: { code: '10', codeSystem: '1.2.250.1.213.1.1.4.1', display: 'Compte rendu' },
      formatCode: { code: 'urn:ihe:lab:xd-lab:2008', codeSystem: '1.3.6.1.4.1.19376.1.2.3' },
      confidentialityCodes: [{ code: 'N', codeSystem: '2.16.840.1.113883.5.25' }],
      healthcareFacilityTypeCode: { code: 'SA25' },
      practiceSettingCode: { code: 'AMBULATOIRE' },
      languageCode: 'fr-FR',
      mimeType: 'text/xml',
      sourcePatientId: 'IPP-778812^^^&1.2.250.1.999.4.2&ISO',
      custodian: { name: 'Laboratoire de Biologie Médicale de Test' },
      legalAuthenticator: { id: '810000000090', family: 'ROUSSEL' },
    });
    expect(prepared.metadata.patientId.key).toBe('184057512345625^^^&1.2.250.1.213.1.4.10&ISO');
    expect(prepared.metadata.authors[0].person?.family).toBe('ROUSSEL');
    expect(prepared.metadata.creationTime.toISOString()).toBe('2024-03-12T13:30:00.000Z');
    expect(prepared.contentTypeCode).toMatchObject({ code: '07', codeSystem: '1.2.250.1.213.2.2' });
  });

  it('classes the real imaging report as medical imaging, formatted as a PDF level-1 CDA', async () => {
    const prepared = await prepareDocument(
      join(CDA, 'IMG_CR_IMG_2023.11_CDA-R2-Niveau-1.xml'),
      SETTINGS,
    );
    expect(prepared.metadata.classCode.code).toBe('31');
    expect(prepared.metadata.formatCode.code).toBe('urn:ihe:iti:xds-sd:pdf:2008');
    expect(prepared.metadata.eventCodes).toHaveLength(10);
  });

  it('lets the flags add DMP restriction codes to the header confidentiality, and win', async () => {
    const overrides = draftFromOptions({
      confidentiality: 'MASQUE_PS',
      title: 'Bilan biologique',
      contentType: '26',
    });
    const prepared = await prepareDocument(LAB_REPORT, { ...SETTINGS, overrides });
    expect(prepared.metadata.confidentialityCodes.map((c) => c.code)).toEqual(['N', 'MASQUE_PS']);
    expect(prepared.metadata.title).toBe('Bilan biologique');
    expect(prepared.contentTypeCode.code).toBe('26');
  });

  it('takes the metadata of a PDF from its metadata file; the certificate holder is the author', async () => {
    const pdf = join(dir, 'bilan.pdf');
    writeFileSync(pdf, '%PDF-1.7 bilan');
    utimesSync(pdf, new Date('2024-05-02T08:00:00Z'), new Date('2024-05-02T08:00:00Z'));
    writeFileSync(
      `${pdf}.meta.json`,
      JSON.stringify({
        ins: '277069912345674',
        insOid: '1.2.250.1.213.1.4.10',
        typeCode: '11502-2',
        healthcareFacilityTypeCode: 'SA25',
        practiceSettingCode: { code: 'AMBULATOIRE', codeSystem: '1.2.250.1.213.1.1.4.9' },
        contentTypeCode: '26',
        serviceStartTime: '2024-05-02',
      }),
    );
    const prepared = await prepareDocument(pdf, SETTINGS);
    expect(prepared.kind).toBe('file');
    expect(prepared.metadata).toMatchObject({
      title: 'bilan',
      mimeType: 'application/pdf',
      classCode: { code: '10' },
      formatCode: { code: 'urn:ihe:iti:xds:2017:mimeTypeSufficient' },
      authors: [LAB],
    });
    expect(prepared.metadata.creationTime.toISOString()).toBe('2024-05-02T08:00:00.000Z');
    expect(prepared.metadata.uniqueId).toMatch(/^2\.25\.\d+$/);
    const again = await prepareDocument(pdf, SETTINGS);
    expect(again.metadata.uniqueId).toBe(prepared.metadata.uniqueId);
  });

  it('names every missing field of a file without metadata, and how to give it', async () => {
    const pdf = join(dir, 'scan.pdf');
    writeFileSync(pdf, '%PDF-1.7');
    expect(await problemsOf(prepareDocument(pdf, { ...SETTINGS, submitter: undefined }))).toEqual([
      'DocumentEntry.patientId is required: give --ins <INS>',
      'DocumentEntry.typeCode is required: give --type <LOINC code>',
      'DocumentEntry.healthcareFacilityTypeCode is required: give --facility-type <TRE_R02 code, e.g. SA01>',
      'DocumentEntry.practiceSettingCode is required: give --practice-setting <TRE_A01 code, e.g. ETABLISSEMENT>',
      'DocumentEntry.serviceStartTime is required: give --service-start <date>',
      'DocumentEntry.author is required: name one in the metadata file, or pass --cert so that its holder is the author',
      'SubmissionSet.contentTypeCode is required: give --content-type <TRE_R209 code, e.g. 07>',
    ]);
  });

  it("refuses to send a CDA to another patient's record than its recordTarget's", async () => {
    const overrides = draftFromOptions({ ins: '277069912345674', oid: '1.2.250.1.213.1.4.10' });
    expect(await problemsOf(prepareDocument(LAB_REPORT, { ...SETTINGS, overrides }))).toEqual([
      "the patient given (277069912345674) is not the document's (recordTarget 184057512345625)",
    ]);
  });

  it('asks for a class when the type is not in the national table', async () => {
    const overrides = draftFromOptions({ type: '99999-9' });
    const problems = await problemsOf(prepareDocument(LAB_REPORT, { ...SETTINGS, overrides }));
    expect(problems).toEqual([
      'DocumentEntry.classCode: type 99999-9 has no class in the national type→class table ' +
        '(fixtures/terminology/type-class-correspondence.json): give --class <TRE_A03 code>',
    ]);
  });

  it('refuses a faulty CDA with the problems of its header', async () => {
    const problems = await problemsOf(
      prepareDocument(join(CDA, 'written/not-ok/CR-BIO_header-errors.xml'), SETTINGS),
    );
    expect(problems[0]).toMatch(/^recordTarget\/patientRole\/id .*wrong key$/);
    await expect(
      prepareDocument(join(CDA, 'written/not-ok/CR-BIO_doctype-entity.xml'), SETTINGS),
    ).rejects.toThrow(/CR-BIO_doctype-entity.xml: a DOCTYPE is refused/);
  });

  it('refuses a misspelt metadata field, a missing metadata file and an unreadable document', async () => {
    const pdf = join(dir, 'a.pdf');
    writeFileSync(pdf, '%PDF');
    writeFileSync(`${pdf}.meta.json`, JSON.stringify({ typecode: '11502-2' }));
    expect((await problemsOf(prepareDocument(pdf, SETTINGS)))[0]).toMatch(
      /a\.pdf\.meta\.json: unknown field "typecode" \(fields: ins, insOid, uniqueId, title, typeCode/,
    );
    const missing = { ...SETTINGS, metadataFile: join(dir, 'none.json') };
    expect((await problemsOf(prepareDocument(pdf, missing)))[0]).toMatch(
      /none\.json: not a readable JSON file/,
    );
    expect((await problemsOf(prepareDocument(join(dir, 'absent.pdf'), SETTINGS)))[0]).toMatch(
      /^cannot read it: .*ENOENT/,
    );
  });

  it('treats XML that is not a ClinicalDocument as a plain file', async () => {
    const xml = join(dir, 'note.xml');
    writeFileSync(xml, '<?xml version="1.0"?><note>texte</note>');
    const overrides = draftFromOptions({
      ins: '277069912345674',
      oid: '1.2.250.1.213.1.4.10',
      type: '11488-4',
      facilityType: 'SA01',
      practiceSetting: 'ETABLISSEMENT',
      contentType: '07',
      serviceStart: '2024-05-02T09:00:00+02:00',
    });
    const prepared = await prepareDocument(xml, { ...SETTINGS, overrides });
    expect(prepared.kind).toBe('file');
    expect(prepared.metadata.mimeType).toBe('text/xml');
    expect(
      prepared.metadata.patientId.equals(PatientId.of('1.2.250.1.213.1.4.10', '277069912345674')),
    ).toBe(true);
  });

  it('reports every wrong flag at once', () => {
    expect(() =>
      draftFromOptions({
        ins: '277069912345675',
        class: '99',
        confidentiality: 'SECRET',
        serviceStart: '12/03/2024',
      }),
    ).toThrow(MetadataError);
    try {
      draftFromOptions({
        ins: '277069912345675',
        class: '99',
        confidentiality: 'SECRET',
        serviceStart: '12/03/2024',
      });
    } catch (error) {
      expect((error as MetadataError).problems).toEqual([
        '--ins: Invalid INS: INS matricule 277069912345675 has a wrong key',
        '--class: "99" is not a TRE_A03 class (10, 11, 31, …)',
        '--confidentiality: "SECRET" is not a confidentiality code (N, R, V, MASQUE_PS, INVISIBLE_PATIENT, INVISIBLE_REPRESENTANTS_LEGAUX)',
        '--service-start: "12/03/2024" is not a date (YYYY-MM-DD) or date-time with offset',
      ]);
    }
  });

  it('wraps a prepared document in a new SubmissionSet sent by the certificate holder', async () => {
    const prepared = await prepareDocument(LAB_REPORT, SETTINGS);
    const first = submissionOf(prepared, SETTINGS);
    const second = submissionOf(prepared, SETTINGS);
    expect(first.submissionSet).toMatchObject({
      sourceId: '1.2.250.1.999.7',
      author: LAB,
      contentTypeCode: { code: '07' },
    });
    expect(first.submissionSet.uniqueId).toMatch(/^2\.25\.\d+$/);
    expect(second.submissionSet.uniqueId).not.toBe(first.submissionSet.uniqueId);
  });
});
