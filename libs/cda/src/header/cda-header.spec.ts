import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CdaHeader, CdaHeaderError, isClinicalDocument, readCdaHeader } from './cda-header';
import { CdaXmlError, HL7_V3, parseCdaXml } from './cda-xml';

const CDA = join(__dirname, '../../../../fixtures/cda');

function headerOf(file: string): CdaHeader {
  return readCdaHeader(parseCdaXml(readFileSync(join(CDA, file))));
}

function problemsOf(file: string): readonly string[] {
  try {
    headerOf(file);
  } catch (error) {
    if (error instanceof CdaHeaderError) return error.problems;
    throw error;
  }
  throw new Error(`${file} was accepted`);
}

const LOINC = '2.16.840.1.113883.6.1';

describe('CDA header extraction', () => {
  describe('the real ANS imaging report (CR-IMG, level 1, PDF body)', () => {
    const header = headerOf('IMG_CR_IMG_2023.11_CDA-R2-Niveau-1.xml');

    it('identifies the document, its type and the patient', () => {
      expect(header.uniqueId).toBe('1.2.250.1.213.1.1.1.45.2');
      expect(header.replacedDocumentId).toBe('urn:uuid:90e1c8ec-f951-4b26-a305-a34848818dd6');
      expect(header.typeCode).toEqual({
        code: '18748-4',
        codeSystem: LOINC,
        display: 'CR d’imagerie médicale',
      });
      expect(header.title).toBe(
        'CR d’imagerie médicale - Scanner Tête + Cou + Thorax avec injection',
      );
      expect(header.patientId.key).toBe('279035121518989^^^&1.2.250.1.213.1.4.10&ISO');
      expect(header.sourcePatientId).toBe('1234567890121^^^&1.2.3.4.567.8.9.10&ISO');
      expect(header.sourcePatientInfo).toEqual({
        family: 'PAT-TROIS',
        given: 'DOMINIQUE',
        birthDate: '1979-03-28',
        gender: 'female',
      });
    });

    it('reads times with their offset, and the service period over every act', () => {
      expect(header.creationTime.toISOString()).toBe('2021-01-08T10:17:00.000Z');
      expect(header.serviceStartTime?.toISOString()).toBe('2021-01-08T09:25:00.000Z');
      expect(header.serviceStopTime?.toISOString()).toBe('2021-01-08T10:17:00.000Z');
    });

    it('maps the radiologist author with specialty, role and organisation', () => {
      expect(header.authors).toEqual([
        {
          person: {
            id: '801234560801',
            assigningAuthority: '1.2.250.1.71.4.2.1',
            family: 'BIDEAULT',
            given: 'Jacques',
            prefix: 'M',
          },
          institutions: [
            {
              name: 'Centre de radiologie Ambroise',
              id: '101235555',
              assigningAuthority: '1.2.250.1.71.4.2.2',
            },
          ],
          roles: [
            {
              code: 'ATTPHYS',
              codeSystem: '2.16.840.1.113883.5.88',
              display: 'Référent - Responsable du patient dans la structure de soins',
            },
          ],
          specialties: [
            {
              code: 'G15_10/SM44',
              codeSystem: '1.2.250.1.213.1.1.4.5',
              display: 'Médecin - Radio-diagnostic (SM)',
            },
          ],
          telecom: ['tel:0146000000'],
        },
      ]);
      expect(header.legalAuthenticator).toMatchObject({ id: '801234560801', family: 'BIDEAULT' });
      expect(header.custodian).toEqual({
        name: 'Centre de radiologie Ambroise',
        id: '101235555',
        assigningAuthority: '1.2.250.1.71.4.2.2',
      });
    });

    it('takes the acts, modality and region of every serviceEvent as event codes', () => {
      expect(header.eventCodes.map((coded) => coded.code)).toEqual([
        '24727-0',
        'ACQH004',
        'CT',
        '774007',
        '36235-0',
        'LCQH001',
        '24978-9',
        'ZBQH001',
        '67734004',
        'Z13.9',
      ]);
    });

    it('finds facility, practice setting, encounter and the level-1 body media type', () => {
      expect(header.healthcareFacilityTypeCode).toMatchObject({ code: 'SA08' });
      expect(header.practiceSettingCode).toMatchObject({
        code: 'AMBULATOIRE',
        codeSystem: '1.2.250.1.213.1.1.4.9',
      });
      expect(header.encounterCode).toMatchObject({ code: 'AMB' });
      expect(header.unstructuredBodyMediaType).toBe('application/pdf');
      expect(header.confidentialityCode).toMatchObject({ code: 'N' });
      expect(header.languageCode).toBe('fr-FR');
      expect(header.templateIds).toContain('1.3.6.1.4.1.19376.1.2.20');
    });
  });

  it('reads a CR-BIO lab report: IPP as source patient id, lab facility, structured body', () => {
    const header = headerOf('written/CR-BIO_lab-report.xml');
    expect(header.uniqueId).toBe('1.2.250.1.999.4.1.2024.3^CRBIO-000123');
    expect(header.typeCode.code).toBe('11502-2');
    expect(header.sourcePatientId).toBe('IPP-778812^^^&1.2.250.1.999.4.2&ISO');
    expect(header.sourcePatientInfo).toEqual({
      family: 'MARCHAND',
      given: 'Lucas',
      birthDate: '1984-05-12',
      gender: 'male',
    });
    expect(header.healthcareFacilityTypeCode?.code).toBe('SA25');
    expect(header.unstructuredBodyMediaType).toBeUndefined();
    expect(header.templateIds).toEqual([
      '2.16.840.1.113883.2.8.2.1',
      '1.2.250.1.213.1.1.1.1',
      '1.3.6.1.4.1.19376.1.3.3',
      '1.2.250.1.213.1.1.1.55',
    ]);
    expect(header.serviceStartTime?.toISOString()).toBe('2024-03-12T07:15:00.000Z');
  });

  it("reads an LDL-SES discharge letter: the author's practice setting, the stay as dates", () => {
    const header = headerOf('written/LDL-SES_discharge-letter.xml');
    expect(header.uniqueId).toBe('1.2.250.1.999.5.1.20240418.77');
    expect(header.sourcePatientId).toBe('252096345678947^^^&1.2.250.1.213.1.4.10&ISO');
    expect(header.sourcePatientInfo).toMatchObject({ family: 'LEFEBVRE', given: 'Anne Marie' });
    expect(header.practiceSettingCode?.code).toBe('ETABLISSEMENT');
    expect(header.serviceStartTime?.toISOString()).toBe('2024-04-12T00:00:00.000Z');
    expect(header.serviceStopTime?.toISOString()).toBe('2024-04-18T00:00:00.000Z');
    expect(header.encounterCode?.code).toBe('IMP');
    expect(header.authors[0].roles[0].code).toBe('ATTPHYS');
  });

  it('reads a VSM: an organisation known by name only, a start without end', () => {
    const header = headerOf('written/VSM_patient-summary.xml');
    expect(header.uniqueId).toBe('1.2.250.1.999.6.1^VSM-2024-0042');
    expect(header.typeCode.code).toBe('60591-5');
    expect(header.authors[0].institutions).toEqual([{ name: 'Cabinet du Dr MARTIN' }]);
    expect(header.serviceStartTime?.toISOString()).toBe('2024-09-03T00:00:00.000Z');
    expect(header.serviceStopTime).toBeUndefined();
    expect(header.healthcareFacilityTypeCode?.code).toBe('SA07');
  });

  it('names every problem of a faulty header by its CDA element', () => {
    expect(problemsOf('written/not-ok/CR-BIO_header-errors.xml')).toEqual([
      'recordTarget/patientRole/id (INS, root 1.2.250.1.213.1.4.10): INS matricule 184057512345626 has a wrong key',
      'code: the document type needs @code and @codeSystem (LOINC 2.16.840.1.113883.6.1)',
      'effectiveTime@value: "2024-03-12T14:30:00+01:00" is not an HL7 date-time (YYYYMMDDHHMMSS+ZZZZ)',
    ]);
  });

  it('requires the essentials of a header', () => {
    const bare = parseCdaXml(Buffer.from(`<ClinicalDocument xmlns="${HL7_V3}"/>`));
    expect(() => readCdaHeader(bare)).toThrow(CdaHeaderError);
    try {
      readCdaHeader(bare);
    } catch (error) {
      expect((error as CdaHeaderError).problems.map((p) => p.split(':')[0])).toEqual([
        'recordTarget/patientRole/id',
        'id',
        'code',
        'effectiveTime@value',
        'confidentialityCode',
        'author',
      ]);
    }
  });

  it('takes a UUID document id as urn:uuid, and refuses an id that is neither', () => {
    const withId = (id: string) =>
      parseCdaXml(
        Buffer.from(`<ClinicalDocument xmlns="${HL7_V3}"><id ${id}/></ClinicalDocument>`),
      );
    const problems = (id: string) => {
      try {
        readCdaHeader(withId(id));
      } catch (error) {
        return (error as CdaHeaderError).problems;
      }
      return [];
    };
    expect(problems('root="D52DE737-001D-4031-B571-0A0ED7C42300"')).not.toContainEqual(
      expect.stringMatching(/^id/),
    );
    expect(problems('root="D52DE737-001D-4031-B571-0A0ED7C42300" extension="1"')).toContain(
      'id@extension: not allowed with a UUID root',
    );
    expect(problems('root="LAB-42"')).toContain('id@root: "LAB-42" is neither an OID nor a UUID');
  });
});

describe('CDA XML parsing', () => {
  it('refuses a DOCTYPE, so that no entity is ever expanded', () => {
    const bytes = readFileSync(join(CDA, 'written/not-ok/CR-BIO_doctype-entity.xml'));
    expect(() => parseCdaXml(bytes)).toThrow(CdaXmlError);
    expect(() => parseCdaXml(bytes)).toThrow(/DOCTYPE is refused \(no DTD, no entities\)/);
  });

  it('says where XML is not well-formed', () => {
    const bytes = Buffer.from(
      `<ClinicalDocument xmlns="${HL7_V3}">\n  <title>x</code>\n</ClinicalDocument>`,
    );
    expect(() => parseCdaXml(bytes)).toThrow(/^not well-formed XML: 2:.*unexpected close tag/);
  });

  it('decodes a document declared ISO-8859-1', () => {
    const bytes = Buffer.concat([
      Buffer.from(
        `<?xml version="1.0" encoding="ISO-8859-1"?><ClinicalDocument xmlns="${HL7_V3}"><title>`,
      ),
      Buffer.from('Compte rendu d’échographie'.replace('’', "'"), 'latin1'),
      Buffer.from('</title></ClinicalDocument>'),
    ]);
    const root = parseCdaXml(bytes);
    expect(isClinicalDocument(root)).toBe(true);
    expect(root.children[0].text).toBe("Compte rendu d'échographie");
  });

  it('refuses an encoding it cannot read', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a/>');
    expect(() => parseCdaXml(bytes)).toThrow('encoding UTF-16 is not supported (use UTF-8)');
  });

  it('keeps the body elements but not their text (the base64 of a level-1 document)', () => {
    const root = parseCdaXml(readFileSync(join(CDA, 'IMG_CR_IMG_2023.11_CDA-R2-Niveau-1.xml')));
    const body = root.children.find((child) => child.local === 'component');
    const text = body?.children[0]?.children[0];
    expect(text?.local).toBe('text');
    expect(text?.attributes.mediaType).toBe('application/pdf');
    expect(text?.text).toBe('');
  });

  it('tells a ClinicalDocument from other XML', () => {
    expect(isClinicalDocument(parseCdaXml(Buffer.from('<ClinicalDocument/>')))).toBe(false);
  });
});
