import { DomainError } from '@passerelle/domain';
import type { SubmissionDraft } from '@passerelle/registry';
import { freshPatient, simplifiedPublishDocument } from '@passerelle/testing';
import { simplifiedPublishDraftFrom } from './simplified-publish-request';

const patient = freshPatient();
const SOURCE = '1.2.250.1.999.1.1.1';

/** What a request is refused for: at once, or as the problems its draft carries. */
function codesOf(action: () => SubmissionDraft): string[] {
  try {
    return (action().problems ?? []).map((p) => p.code);
  } catch (error) {
    return (error as DomainError).details.map((d) => d.code);
  }
}

describe('ITI-105 DocumentReference → submission draft', () => {
  it('makes one document and the SubmissionSet the Document Recipient builds for it', () => {
    const content = Buffer.from('Compte rendu');
    const draft = simplifiedPublishDraftFrom(
      simplifiedPublishDocument(patient.token, { content }),
      SOURCE,
    );
    expect(draft.documents).toHaveLength(1);
    expect(draft.documents[0].content?.equals(content)).toBe(true);
    const [document] = draft.documents;
    expect(draft.submissionSet).toMatchObject({
      sourceId: SOURCE,
      patientId: document.patientId,
      authors: document.authors,
      contentTypeCode: { code: '04', codeSystem: '1.2.250.1.213.2.2' },
      intendedRecipients: [],
    });
    expect(draft.submissionSet.uniqueId).toMatch(/^2\.25\.\d+$/);
    expect(draft.submissionSet.submissionTime).toBeInstanceOf(Date);
  });

  it('derives the same SubmissionSet uniqueId from the same document, another from other content', () => {
    const sent = simplifiedPublishDocument(patient.token);
    const uniqueIdOf = (body: unknown) =>
      simplifiedPublishDraftFrom(body, SOURCE).submissionSet.uniqueId;
    expect(uniqueIdOf(sent)).toBe(uniqueIdOf(structuredClone(sent)));
    const other = structuredClone(sent);
    other.content[0].attachment.data = Buffer.from('autre').toString('base64');
    expect(uniqueIdOf(other)).not.toBe(uniqueIdOf(sent));
    expect(simplifiedPublishDraftFrom(sent, '1.2.3').submissionSet.uniqueId).not.toBe(
      uniqueIdOf(sent),
    );
  });

  it('takes the contentTypeCode from a contained Encounter when no designationType is given', () => {
    const draft = simplifiedPublishDraftFrom(
      simplifiedPublishDocument(patient.token, { contentType: 'encounter' }),
      SOURCE,
    );
    expect(draft.submissionSet.contentTypeCode).toMatchObject({
      code: '07',
      codeSystem: '1.2.250.1.213.2.2',
    });
    const { extension: _designation, ...neither } = simplifiedPublishDocument(patient.token);
    expect(simplifiedPublishDraftFrom(neither, SOURCE).submissionSet.contentTypeCode).toBe(
      undefined,
    );
  });

  it('refuses what is not a Simplified Publish DocumentReference', () => {
    const withoutData = simplifiedPublishDocument(patient.token);
    delete withoutData.content[0].attachment.data;
    expect(codesOf(() => simplifiedPublishDraftFrom(withoutData, SOURCE))).toEqual([
      'MISSING_DOCUMENT',
    ]);
    const superseded = { ...simplifiedPublishDocument(patient.token), status: 'superseded' };
    expect(codesOf(() => simplifiedPublishDraftFrom(superseded, SOURCE))).toEqual([
      'METADATA_INVALID',
    ]);
    const twoContents = simplifiedPublishDocument(patient.token);
    twoContents.content.push(twoContents.content[0]);
    expect(codesOf(() => simplifiedPublishDraftFrom(twoContents, SOURCE))).toEqual([
      'METADATA_INVALID',
    ]);
    expect(
      codesOf(() =>
        simplifiedPublishDraftFrom({ resourceType: 'Bundle', type: 'transaction' }, SOURCE),
      ),
    ).toEqual(['INVALID_RESOURCE']);
    expect(codesOf(() => simplifiedPublishDraftFrom([], SOURCE))).toEqual(['MALFORMED_REQUEST']);
    expect(
      codesOf(() =>
        simplifiedPublishDraftFrom(
          { ...simplifiedPublishDocument(patient.token), author: {} },
          SOURCE,
        ),
      ),
    ).not.toEqual([]);
  });
});
