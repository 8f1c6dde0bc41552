import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCdaHeader } from './cda-header';
import { metadataOfCdaHeader } from './cda-metadata';
import { parseCdaXml } from './cda-xml';
import { formatCodeForMediaType } from './national-mappings';

const WRITTEN = join(__dirname, '../../../../fixtures/cda/written');
const headerOf = (file: string) => readCdaHeader(parseCdaXml(readFileSync(join(WRITTEN, file))));
const metadataOf = (file: string) => metadataOfCdaHeader(headerOf(file));

describe('CDA header → XDS metadata (the one CI-SIS mapping)', () => {
  const lab = metadataOf('CR-BIO_lab-report.xml');

  it('gives the DocumentEntry codes: type, class by type, format by template, level', () => {
    expect(lab.typeCode).toMatchObject({ code: '11502-2', codeSystem: '2.16.840.1.113883.6.1' });
    expect(lab.classCode).toMatchObject({ code: '10', codeSystem: '1.2.250.1.213.1.1.4.1' });
    expect(lab.formatCode).toEqual({
      code: 'urn:ihe:lab:xd-lab:2008',
      codeSystem: '1.3.6.1.4.1.19376.1.2.3',
    });
    expect(lab.confidentialityCodes).toEqual([
      expect.objectContaining({ code: 'N', codeSystem: '2.16.840.1.113883.5.25' }),
    ]);
    expect(lab.mimeType).toBe('text/xml');
  });

  it('keeps the custodian and derives the SubmissionSet contentTypeCode from the encounter', () => {
    expect(lab.custodian?.name).toEqual(expect.any(String));
    expect(lab.contentTypeCode).toMatchObject({ codeSystem: '1.2.250.1.213.2.2' });
  });

  it('titles a document by its header, else by its type’s label', () => {
    expect(lab.title).toBe("Compte rendu d'examens de biologie médicale");
    const untitled = { ...headerOf('CR-BIO_lab-report.xml'), title: undefined };
    expect(metadataOfCdaHeader(untitled).title).toBe("CR d'examens biologiques");
  });

  it('formats a PDF by its media type (ASS_A12)', () => {
    expect(formatCodeForMediaType('application/PDF')?.code).toBe('urn:ihe:iti:xds-sd:pdf:2008');
  });
});
