import { InMemoryPasserelle, aMedecin, failed, succeeded } from '@passerelle/testing';

describe('RetrieveDocument (ITI-68)', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    const author = aMedecin();
    const patient = await passerelle.givenRecord();
    const visible = await passerelle.givenDocument(author, patient);
    const masked = await passerelle.givenDocument(author, patient, { restrictions: ['MASQUE_PS'] });
    const authorised = aMedecin();
    await passerelle.givenAuthorisation(patient, authorised);
    return { passerelle, patient, author, authorised, visible, masked };
  };

  it('gives a médecin the patient authorised the bytes as provided, read once', async () => {
    const { passerelle, authorised, visible } = await setUp();
    const content = succeeded(
      await passerelle.retrieveDocument.execute(authorised, { contentId: visible.contentId! }),
    );
    expect(content.hashSha1).toBe(visible.hashSha1);
    expect(passerelle.contents.reads).toEqual([
      { patientKey: visible.patientKey, contentId: visible.contentId },
    ]);
  });

  it('answers an unauthorised caller, a hidden document and an unknown content id the same, reading no content', async () => {
    const { passerelle, authorised, visible, masked } = await setUp();
    const retrieve = passerelle.retrieveDocument;
    const answers = [
      await retrieve.execute(aMedecin(), { contentId: visible.contentId! }),
      await retrieve.execute(authorised, { contentId: masked.contentId! }),
      await retrieve.execute(authorised, { contentId: 'no-such-content' }),
    ].map((outcome) => {
      const { code, message } = failed(outcome);
      return { code, message };
    });
    expect(answers).toEqual([
      { code: 'DOCUMENT_NOT_FOUND', message: 'No such document' },
      { code: 'DOCUMENT_NOT_FOUND', message: 'No such document' },
      { code: 'DOCUMENT_NOT_FOUND', message: 'No such document' },
    ]);
    expect(passerelle.contents.reads).toEqual([]);
  });

  it('lets the author, authorised to consult, retrieve his masked document', async () => {
    const { passerelle, patient, author, masked } = await setUp();
    await passerelle.givenAuthorisation(patient, author);
    const outcome = await passerelle.retrieveDocument.execute(author, {
      contentId: masked.contentId!,
    });
    expect(succeeded(outcome).hashSha1).toBe(masked.hashSha1);
  });

  it('records why in the audit facts: NO_AUTHORISATION, DOCUMENT_HIDDEN, no patient for an unknown id', async () => {
    const { passerelle, patient, authorised, visible, masked } = await setUp();
    const retrieve = passerelle.retrieveDocument;
    const unauthorised = await retrieve.execute(aMedecin(), { contentId: visible.contentId! });
    const hidden = await retrieve.execute(authorised, { contentId: masked.contentId! });
    const unknown = await retrieve.execute(authorised, { contentId: 'no-such-content' });
    const granted = await retrieve.execute(authorised, { contentId: visible.contentId! });

    expect(unauthorised.audit).toMatchObject({
      outcome: 'denied',
      reason: 'NO_AUTHORISATION',
      patientKey: patient.key,
    });
    expect(hidden.audit).toMatchObject({
      outcome: 'denied',
      reason: 'DOCUMENT_HIDDEN',
      patientKey: patient.key,
      documents: [masked.uniqueId],
    });
    expect(unknown.audit).toMatchObject({ reason: undefined, patientKey: undefined });
    expect(unknown.audit.outcome).not.toBe('allowed');
    expect(granted.audit).toMatchObject({
      outcome: 'allowed',
      reason: undefined,
      patientKey: patient.key,
      documents: [visible.uniqueId],
    });
  });

  it('writes the audit of a granted read with the content, and leaves a refusal to the door', async () => {
    const { passerelle, authorised, visible, masked } = await setUp();
    const retrieve = passerelle.retrieveDocument;
    const granted = await retrieve.execute(authorised, { contentId: visible.contentId! });
    const hidden = await retrieve.execute(authorised, { contentId: masked.contentId! });

    const reads = passerelle.audits.entries
      .map((entry) => entry.record)
      .filter((record) => record.transaction === 'ITI-68');
    expect(reads).toEqual([
      expect.objectContaining({
        id: granted.audit.id,
        transaction: 'ITI-68',
        outcome: 'allowed',
        httpStatus: 200,
        documents: [visible.uniqueId],
      }),
    ]);
    expect(granted.audit.writtenWithChange).toBe(true);
    expect(hidden.audit.writtenWithChange).toBe(false);
  });
});
