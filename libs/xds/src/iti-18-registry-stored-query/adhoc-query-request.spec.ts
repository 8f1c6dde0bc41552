import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '@passerelle/domain';
import { parseXml } from '../xml/xml-parser';
import { NS, XmlElement, childOf } from '../xml/xml-element';
import { readAdhocQueryRequest } from './adhoc-query-request';
import { parseSlotValue } from './slot-values';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'fixtures', 'xds');
const PATIENT = '185037530313011^^^&amp;1.2.250.1.213.1.4.10&amp;ISO';

function fromFile(path: string, patient = PATIENT): XmlElement {
  const root = parseXml(
    readFileSync(join(FIXTURES, path), 'utf8').replace(/\$patient_id\$/g, patient),
  );
  return root.local === 'Envelope' ? childOf(root, NS.soap12, 'Body')!.children[0] : root;
}

function errorOf(request: XmlElement): string {
  try {
    readAdhocQueryRequest(request);
  } catch (error) {
    if (error instanceof DomainError) return `${error.catalogue.xdsCode}: ${error.message}`;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readAdhocQueryRequest', () => {
  it('reads FindDocuments with its time range (NIST 11897, To exclusive)', () => {
    const query = readAdhocQueryRequest(
      fromFile('nist-toolkit/testkit/11897/creationtime_right_edge/query.xml'),
    );
    expect(query).toMatchObject({
      name: 'FindDocuments',
      returnType: 'ObjectRef',
      patientKey: '185037530313011^^^&1.2.250.1.213.1.4.10&ISO',
      filter: {
        statuses: ['Approved'],
        creationTime: {
          from: new Date('2004-11-24T00:00:00Z'),
          to: new Date('2004-12-24T00:00:00Z'),
        },
      },
    });
  });

  it('refuses a code without its scheme (NIST classcode_scheme_mismatch)', () => {
    expect(
      errorOf(fromFile('nist-toolkit/testkit/11897/classcode_scheme_mismatch/query.xml')),
    ).toMatch(
      /^XDSRegistryError: \$XDSDocumentEntryClassCode: 'a\^\^' must be code\^\^codingScheme$/,
    );
  });

  it('reports a missing status and an unquoted patient id (NIST message validator)', () => {
    expect(errorOf(fromFile('nist-toolkit/message-validator/sq-req-missing-stat.xml'))).toBe(
      'XDSStoredQueryMissingParam: The query requires $XDSDocumentEntryStatus',
    );
    expect(errorOf(fromFile('nist-toolkit/message-validator/sq-req-bad-pid-format.xml'))).toMatch(
      /single quotes missing/,
    );
  });

  it('takes the IPF injection attempt for what it is: a malformed value, never SQL', () => {
    expect(errorOf(fromFile('ipf/iti18request.xml'))).toMatch(
      /^XDSRegistryError: \$XDSDocumentEntryPatientId: malformed value '593603/,
    );
  });

  it('reads ITI-18 value syntax: lists, quotes doubled inside, numbers', () => {
    expect(parseSlotValue('$p', "('a','b''c', 'd')")).toEqual([
      { text: 'a', quoted: true },
      { text: "b'c", quoted: true },
      { text: 'd', quoted: true },
    ]);
    expect(parseSlotValue('$p', '20041124')).toEqual([{ text: '20041124', quoted: false }]);
    expect(() => parseSlotValue('$p', "('a'")).toThrow(DomainError);
  });
});
