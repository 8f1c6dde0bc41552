import { DOMParser as XmlParser } from '@xmldom/xmldom';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotACdaDocument, hl7Date, readCda } from './cda';

const FIXTURES = join(__dirname, '../../../../fixtures/cda');
/** The browser's DOMParser, played by xmldom: the reader uses nothing xmldom lacks. */
const parser = new XmlParser() as unknown as DOMParser;
const read = (file: string) => readCda(readFileSync(join(FIXTURES, file), 'utf8'), parser);

describe('reading a CDA R2 document for the patient', () => {
  it('gives the header: title, date, patient (birth name, INS), author, custodian', () => {
    const letter = read('written/LDL-SES_discharge-letter.xml');
    expect(letter.title).toBe('Lettre de liaison à la sortie - Cardiologie');
    expect(letter.date?.toISOString()).toBe('2024-04-18T15:05:00.000Z');
    expect(letter.patient).toEqual({
      name: 'Anne Marie DUMONT (née LEFEBVRE)',
      birthDate: new Date(1952, 8, 23),
      detail: 'INS 252096345678947',
    });
    expect(letter.authors).toEqual([
      { name: 'Dr Karim BENALI', detail: 'Médecin, Centre Hospitalier de Test' },
    ]);
    expect(letter.custodian).toBe('Centre Hospitalier de Test');
  });

  it('gives the body as sections with their narrative, tables kept as tables', () => {
    expect(read('written/LDL-SES_discharge-letter.xml').sections).toEqual([
      { title: 'Statut du document', narrative: [{ text: 'Document définitif.' }], sections: [] },
      {
        title: 'Traitements à la sortie',
        narrative: [{ text: 'Bisoprolol 2,5 mg : 1 comprimé le matin.' }],
        sections: [],
      },
    ]);
    const [biochimie] = read('written/CR-BIO_lab-report.xml').sections;
    expect(biochimie.title).toBe('Biochimie');
    const table = biochimie.narrative.find((node) => 'tag' in node);
    expect(table).toMatchObject({
      tag: 'table',
      children: expect.arrayContaining([
        expect.objectContaining({ tag: 'thead' }),
        expect.objectContaining({ tag: 'tbody' }),
      ]),
    });
    expect(JSON.stringify(table)).toContain('Créatinine (sérum)');
  });

  it('gives a level 1 document its body as the file it carries (the ANS imaging report: a PDF)', () => {
    const report = read('IMG_CR_IMG_2023.11_CDA-R2-Niveau-1.xml');
    expect(report.title).toBe(
      'CR d’imagerie médicale - Scanner Tête + Cou + Thorax avec injection',
    );
    expect(report.sections).toEqual([]);
    expect(report.attachment?.mediaType).toBe('application/pdf');
    expect(Buffer.from(report.attachment!.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  });

  it('keeps only safe elements of the narrative: no link, no markup of the document’s own', () => {
    const xml = `<ClinicalDocument xmlns="urn:hl7-org:v3"><title>T</title><component><structuredBody>
      <component><section><title>S</title><text><paragraph>Voir <linkHtml href="javascript:alert(1)">ici</linkHtml>
      <content styleCode="Bold">important</content><renderMultiMedia referencedObject="x"/></paragraph>
      <list listType="ordered"><item>un</item></list><unknown>texte</unknown></text></section></component>
      </structuredBody></component></ClinicalDocument>`;
    const [section] = readCda(xml, parser).sections;
    expect(JSON.stringify(section.narrative)).not.toContain('javascript');
    expect(
      section.narrative.filter((node) => 'tag' in node).map((node) => 'tag' in node && node.tag),
    ).toEqual(['p', 'ol']);
    expect(JSON.stringify(section.narrative)).toContain(
      '{"tag":"strong","children":[{"text":"important"}]}',
    );
    expect(JSON.stringify(section.narrative)).toContain('{"text":"texte"}');
  });

  it('refuses what is not a ClinicalDocument of HL7 v3', () => {
    expect(() => readCda('<ClinicalDocument><title>T</title></ClinicalDocument>', parser)).toThrow(
      NotACdaDocument,
    );
    expect(() => readCda('<Bundle xmlns="http://hl7.org/fhir"/>', parser)).toThrow(NotACdaDocument);
  });

  it('reads HL7 dates: day only (local), with time and offset', () => {
    expect(hl7Date('20240412')).toEqual(new Date(2024, 3, 12));
    expect(hl7Date('20240418170500+0200')?.toISOString()).toBe('2024-04-18T15:05:00.000Z');
    expect(hl7Date('2024-04-18')).toBeUndefined();
    expect(hl7Date(undefined)).toBeUndefined();
  });
});
