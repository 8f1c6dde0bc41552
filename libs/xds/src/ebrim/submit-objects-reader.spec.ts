import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, ErrorDetail } from '@passerelle/domain';
import { instantiateXdsTemplate } from '@passerelle/testing';
import { parseXml } from '../xml/xml-parser';
import { EbrimSubmission, readSubmitObjectsRequest } from './submit-objects-reader';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'fixtures', 'xds');
const PATIENT = '185037530313011^^^&1.2.250.1.213.1.4.10&ISO';

function read(xml: string) {
  return readSubmitObjectsRequest(parseXml(xml));
}

function nist(path: string, patient = PATIENT) {
  return read(
    instantiateXdsTemplate(readFileSync(join(FIXTURES, 'nist-toolkit/testkit', path), 'utf8'), {
      patient,
    }),
  );
}

/** An IPF sample with its (non-INS) patient id replaced by a test INS. */
function ipf(file: string, patientValue: string): string {
  return readFileSync(join(FIXTURES, 'ipf', file), 'utf8').replace(
    new RegExp(
      `${patientValue}\\^\\^\\^&amp;1\\.3\\.6\\.1\\.4\\.1\\.21367\\.2005\\.3\\.7&amp;ISO`,
      'g',
    ),
    PATIENT.replace(/&/g, '&amp;'),
  );
}

/** What a request is refused for: at once, or as the problems its draft carries. */
function problems(action: () => EbrimSubmission): string[] {
  let found: readonly ErrorDetail[];
  try {
    found = action().draft.problems ?? [];
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    found = error.details;
  }
  if (found.length === 0) throw new Error('expected a refusal');
  return found.map((d) => `${d.code}: ${d.message}`);
}

describe('readSubmitObjectsRequest', () => {
  it('reads a NIST single-document submission into the domain draft', () => {
    const { draft, updates } = nist('11966/submit/single_doc.xml');
    expect(draft.documents.map((d) => d.ref)).toEqual(['Document01']);
    expect(updates).toEqual([]);
    const [document] = draft.documents;
    expect(document.patientId?.key).toBe(PATIENT);
    expect(document.mimeType).toBe('text/plain');
    expect(document.creationTime).toEqual(new Date('2005-12-24T00:00:00Z'));
    // Instantiated with a national class, as the Connectathon's REPORTS is not one.
    expect(document.classCode).toMatchObject({ code: '10', codeSystem: '1.2.250.1.213.1.1.4.1' });
    expect(document.authors.length).toBe(2);
    expect(draft.submissionSet.sourceId).toBe('129.6.58.92.1.1');
    expect(draft.associations).toEqual([]);
  });

  it('reads the IPF submission whose SubmissionSet classification stands beside the package', () => {
    const { draft } = read(ipf('SubmitObjectsRequest_ebrs30.xml', 'SELF-5'));
    expect(draft.submissionSet.patientId?.key).toBe(PATIENT);
    expect(draft.submissionSet.uniqueId).toBeTruthy();
    expect(draft.documents).toHaveLength(1);
  });

  it('reads folder memberships and replacement associations (NIST 12346)', () => {
    const { draft } = nist('12346/two_doc_w_fol/two_doc_w_fol.xml');
    expect(draft.documents).toHaveLength(2);
    expect(draft.folders).toHaveLength(1);
    expect(draft.associations.every((a) => a.type === 'HasMember')).toBe(true);
    const replacement = read(
      instantiateXdsTemplate(
        readFileSync(join(FIXTURES, 'nist-toolkit/testkit/12346/rplc/rplc.xml'), 'utf8').replace(
          /\$rplc_doc_uuid\$/g,
          'urn:uuid:639ff453-5a56-46a6-9408-d6685d919739',
        ),
        { patient: PATIENT },
      ),
    );
    expect(replacement.draft.associations).toContainEqual({
      type: 'RPLC',
      source: { ref: 'Document01' },
      target: { existingEntryUuid: 'urn:uuid:639ff453-5a56-46a6-9408-d6685d919739' },
    });
  });

  it('refuses a self-reference (NIST 21000) and an unresolved classification (NIST pnr-bad-uplink)', () => {
    expect(problems(() => nist('21000/submit/submissionset_update_target_self.xml'))).toEqual([
      expect.stringMatching(/^METADATA_INVALID: Association .* links SubmissionSet01 to itself$/),
    ]);
    const body = readFileSync(
      join(FIXTURES, 'nist-toolkit/message-validator/pnr-bad-uplink.xml'),
      'utf8',
    );
    const request = body.slice(
      body.indexOf('<lcm:SubmitObjectsRequest'),
      body.indexOf('</lcm:SubmitObjectsRequest>') + 27,
    );
    expect(problems(() => read(request))).toContainEqual(
      expect.stringMatching(/^UNRESOLVED_REFERENCE: Classification .* classifies Document011/),
    );
  });

  it('reads ITI-57 updates: a new version with PreviousVersion, and status changes (IPF)', () => {
    const { draft, updates } = read(
      ipf('SubmitObjectsRequest_ebrs30_update.xml', '714f4004f80540c'),
    );
    expect(draft.documents).toHaveLength(0);
    expect(updates.map((u) => u.kind).sort()).toEqual(['document', 'status']);
    const version = updates.find((u) => u.kind === 'document');
    expect(version).toMatchObject({
      logicalId: expect.stringMatching(/^urn:uuid:/),
      previousVersion: expect.any(Number),
    });
    expect(updates.find((u) => u.kind === 'status')).toMatchObject({
      originalStatus: expect.any(String),
      newStatus: expect.any(String),
    });
  });

  it('reads the French metadata of the DMP capture', () => {
    const capture = readFileSync(join(FIXTURES, 'ans-dmp-xds/publication.xml'), 'utf8');
    const envelope = parseXml(
      capture.slice(capture.indexOf('<?xml'), capture.indexOf('</soap:Envelope>') + 16),
    );
    const body = envelope.children[1].children[0];
    const { draft } = readSubmitObjectsRequest(body.children[0]);
    const [document] = draft.documents;
    expect(document.patientId?.key).toBe('162018885045327^^^&1.2.250.1.213.1.4.10&ISO');
    expect(document.authors[0].person).toMatchObject({
      id: '899700367909',
      family: 'DOC0036790',
      given: 'KIT',
    });
    expect(document.authors[0].institutions[0]).toMatchObject({
      name: 'BCOM',
      id: '499700367909006',
    });
    expect(document.confidentialityCodes.map((c) => c.code)).toContain('N');
  });

  it('reports an id given to two objects as a duplicate entryUUID, with the other problems', () => {
    const uuid = 'urn:uuid:3f1c9e2a-7b4d-4c8e-9a1f-5d6e7f809a1b';
    const template = readFileSync(
      join(FIXTURES, 'nist-toolkit/testkit/11990/submit/single_doc.xml'),
      'utf8',
    );
    const shared = template
      .split('"SubmissionSet01"')
      .join(`"${uuid}"`)
      .split('"Document01"')
      .join(`"${uuid}"`);
    const found = problems(() => read(instantiateXdsTemplate(shared, { patient: PATIENT })));
    expect(found).toContain(
      `DUPLICATE_ENTRY_UUID_IN_MESSAGE: entryUUID ${uuid} is given to two objects of the submission`,
    );
    expect(found.some((p) => p.includes('to itself'))).toBe(true);
  });

  it('refuses a DocumentEntry the SubmissionSet does not HasMember (ITI TF-3 4.1.4)', () => {
    const template = readFileSync(
      join(FIXTURES, 'nist-toolkit/testkit/11966/submit/single_doc.xml'),
      'utf8',
    );
    const membership = /<rim:Association targetObject="Document01"[\s\S]*?<\/rim:Association>/;
    const outside = template.replace(membership, '');
    expect(outside).not.toBe(template);
    expect(problems(() => read(instantiateXdsTemplate(outside, { patient: PATIENT })))).toEqual([
      'METADATA_INVALID: DocumentEntry Document01 is not a member of the SubmissionSet (no HasMember association from SubmissionSet01)',
    ]);
    const toFolder = template.replace(
      membership,
      '<rim:Association id="a1" targetObject="Document01" sourceObject="Document01x" associationType="HasMember"/>',
    );
    expect(
      problems(() => read(instantiateXdsTemplate(toFolder, { patient: PATIENT }))),
    ).toContainEqual(expect.stringContaining('Document01 is not a member of the SubmissionSet'));
  });

  it('notes the Slots outside the standard ones of DocumentEntry, SubmissionSet and Folder as extra metadata', () => {
    const extra = (name: string) =>
      `<rim:Slot name="${name}"><rim:ValueList><rim:Value>importantvalue</rim:Value></rim:ValueList></rim:Slot>`;
    const template = readFileSync(
      join(FIXTURES, 'nist-toolkit/testkit/12346/doc_w_fol/single_doc_w_fol.xml'),
      'utf8',
    );
    expect(nist('12346/doc_w_fol/single_doc_w_fol.xml').draft.unsavedMetadata).toEqual([]);
    const withExtra = template
      .replace(/(<rim:ExtrinsicObject[^>]*>)/, `$1${extra('urn:nist:extraslot')}`)
      .replace(/(<rim:RegistryPackage id="SubmissionSet01"[^>]*>)/, `$1${extra('urn:fr:lot')}`)
      .replace(/(<rim:RegistryPackage id="Folder"[^>]*>)/, `$1${extra('dossier')}`);
    const { draft } = read(instantiateXdsTemplate(withExtra, { patient: PATIENT }));
    expect(draft.unsavedMetadata).toEqual(
      expect.arrayContaining([
        { location: 'Document01', name: 'urn:nist:extraslot' },
        { location: 'SubmissionSet01', name: 'urn:fr:lot' },
        { location: 'Folder', name: 'dossier' },
      ]),
    );
    expect(draft.unsavedMetadata).toHaveLength(3);
  });

  it('reads a HasMember from a registered Folder, announced by the SubmissionSet, as an addition to it', () => {
    const folder = 'urn:uuid:6a1f1c9e-2b4d-4c8e-9a1f-5d6e7f809a1b';
    const template = readFileSync(
      join(FIXTURES, 'nist-toolkit/testkit/11990/submit/single_doc.xml'),
      'utf8',
    );
    const withAssociations = (...associations: string[]) =>
      instantiateXdsTemplate(
        template.replace(
          '</rim:LeafRegistryObjectList>',
          `${associations.join('')}</rim:LeafRegistryObjectList>`,
        ),
        { patient: PATIENT },
      );
    const member = (source: string) =>
      `<rim:Association id="FolderMember01" associationType="HasMember" sourceObject="${source}" targetObject="Document01"/>`;
    const announcement =
      '<rim:Association id="SetMember01" associationType="HasMember" sourceObject="SubmissionSet01" targetObject="FolderMember01"/>';
    expect(
      read(withAssociations(member(folder.toUpperCase()), announcement)).draft.associations,
    ).toEqual([
      { type: 'HasMember', source: { existingFolderUuid: folder }, target: { ref: 'Document01' } },
    ]);
    expect(problems(() => read(withAssociations(member(folder))))).toEqual([
      `METADATA_INVALID: HasMember FolderMember01 adds to the registered Folder ${folder} without the SubmissionSet's HasMember to that association`,
    ]);
    expect(problems(() => read(withAssociations(member('Folder07'), announcement)))).toEqual([
      'UNRESOLVED_REFERENCE: HasMember source Folder07 is neither the SubmissionSet nor a Folder, of the request or registered (by its entryUUID)',
    ]);
  });
});
