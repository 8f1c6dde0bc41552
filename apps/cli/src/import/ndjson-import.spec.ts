import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError } from '@passerelle/domain';
import { validateSubmission } from '@passerelle/registry';
import { parseImportLine } from './ndjson-import';
import { syntheticImportLines, syntheticPatient } from './synthetic-import';

const SETTINGS = {
  sourceId: '1.2.250.1.999.7',
  contentTypeCode: { code: '07', codeSystem: '1.2.250.1.213.2.2' },
};

type Json = Record<string, unknown> & { content: { attachment: Record<string, unknown> }[] };

function aLine(): Json {
  const [line] = syntheticImportLines(1, 1);
  return JSON.parse(line) as Json;
}

describe('an NDJSON line of passerelle import', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-import-spec-'));
    mkdirSync(join(dir, 'content'));
    writeFileSync(join(dir, 'content', 'cr.txt'), 'compte rendu');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const parse = (value: unknown, line = 7) =>
    parseImportLine(typeof value === 'string' ? value : JSON.stringify(value), line, dir, SETTINGS);

  it('becomes the submission ITI-65 makes of it: one SubmissionSet, the document, its bytes', () => {
    const json = aLine();
    const parsed = parse(json);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const { draft } = parsed.line;
    expect(parsed.line.line).toBe(7);
    expect(draft.documents).toHaveLength(1);
    const [document] = draft.documents;
    expect(document.content).toEqual(
      Buffer.from(json.content[0].attachment.data as string, 'base64'),
    );
    expect(document.patientId?.value).toBe(syntheticPatient(0).ins);
    expect(draft.submissionSet).toMatchObject({
      sourceId: SETTINGS.sourceId,
      contentTypeCode: SETTINGS.contentTypeCode,
      authors: document.authors,
    });
    expect(() => validateSubmission(draft, { registerOnly: false }, 'strict')).not.toThrow();
  });

  /**
   * The code a line is refused with: when it is read (not a DocumentReference, a bad shape), or
   * by the registry's validation, which reports the problems of its translation with its own.
   */
  const refusalOf = (value: unknown): string => {
    const parsed = parse(value);
    if (!parsed.ok) return parsed.error.code;
    try {
      validateSubmission(parsed.line.draft, { registerOnly: false }, 'strict');
      return 'accepted';
    } catch (error) {
      if (error instanceof DomainError) return error.catalogue.xdsCode;
      throw error;
    }
  };

  it('reads content named by a path relative to the NDJSON file', () => {
    const json = aLine();
    delete json.content[0].attachment.data;
    delete json.content[0].attachment.hash;
    delete json.content[0].attachment.size;
    json.content[0].attachment.url = 'content/cr.txt';
    const parsed = parse(json);
    expect(parsed.ok && parsed.line.draft.documents[0].content?.toString()).toBe('compte rendu');
  });

  it.each([
    ['not JSON', '{"resourceType":', 'XDSRegistryError', /Not JSON/],
    ['another resource', { resourceType: 'Patient' }, 'XDSRegistryMetadataError', /Patient/],
    ['a JSON array', [], 'XDSRegistryError', /DocumentReference/],
  ])('refuses %s with its line number and code', (_, value, code, message) => {
    const parsed = parse(value, 12);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toEqual({ line: 12, code, message: expect.stringMatching(message) });
  });

  it('refuses a path leading out of the directory, an absolute one, a URL and a missing file', () => {
    for (const url of ['../outside.txt', '/etc/passwd', 'https://example.org/a', 'content/none']) {
      const json = aLine();
      delete json.content[0].attachment.data;
      json.content[0].attachment.url = url;
      expect(refusalOf(json)).toBe('XDSMissingDocument');
    }
  });

  it('refuses bad base64, a replacement (relatesTo) and a bad shape, each with its code', () => {
    const badData = aLine();
    badData.content[0].attachment.data = '***';
    const replacing = {
      ...aLine(),
      relatesTo: [{ code: 'replaces', target: { reference: 'DocumentReference/x' } }],
    };
    const badDate = aLine();
    badDate.content[0].attachment.creation = 'yesterday';
    const codes = [badData, replacing, badDate].map(refusalOf);
    expect(codes).toEqual([
      'XDSRegistryMetadataError',
      'XDSRegistryError',
      'XDSRegistryMetadataError',
    ]);
  });
});
