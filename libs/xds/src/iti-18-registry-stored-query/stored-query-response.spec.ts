import type { DocumentEntry } from '@passerelle/domain';
import { InMemoryPasserelle, aMedecin } from '@passerelle/testing';
import { extrinsicObject, objectRef } from '../ebrim/ebrim-writer';
import { adhocQueryResponse, adhocQueryResponseChunks } from '../ebrim/registry-response';
import { soapEnvelope, soapEnvelopeChunks } from '../transport/soap-response';
import { queryResponseObjects } from './stored-query-response';

const NONE = { submissionSets: [], folders: [], associations: [] };

/** Ids drawn afresh at each writing: the classifications', identifiers' and the message's. */
const withoutFreshIds = (xml: string) =>
  xml
    .replace(/(<rim:(?:Classification|ExternalIdentifier) id=")urn:uuid:[0-9a-f-]{36}"/g, '$1"')
    .replace(/<wsa:MessageID>[^<]*<\/wsa:MessageID>/, '<wsa:MessageID/>');

async function entries(count: number): Promise<DocumentEntry[]> {
  const passerelle = new InMemoryPasserelle();
  const patient = await passerelle.givenRecord();
  const author = aMedecin();
  const found: DocumentEntry[] = [];
  for (let index = 0; index < count; index++) {
    found.push(
      await passerelle.givenDocument(author, patient, { title: `Compte <rendu> & ${index}` }),
    );
  }
  return found;
}

describe('queryResponseObjects, streamed', () => {
  it('writes the same LeafClass AdhocQueryResponse as the whole answer, in several chunks', async () => {
    const documents = await entries(60);
    const chunks = [
      ...adhocQueryResponseChunks(
        'Success',
        queryResponseObjects({ returnType: 'LeafClass', documents, ...NONE }),
      ),
    ];
    expect(chunks.length).toBeGreaterThan(3);
    expect(withoutFreshIds(chunks.join(''))).toBe(
      withoutFreshIds(adhocQueryResponse('Success', documents.map(extrinsicObject), [])),
    );
  });

  it('writes ObjectRefs from the ids alone, as the whole answer did', () => {
    const documents = ['urn:uuid:1', 'urn:uuid:2'].map((entryUuid, index) => ({
      entryUuid,
      uniqueId: `1.2.3.${index}`,
    }));
    const streamed = adhocQueryResponseChunks(
      'Success',
      queryResponseObjects({ returnType: 'ObjectRef', documents, ...NONE }),
    );
    expect([...streamed].join('')).toBe(
      adhocQueryResponse('Success', ['urn:uuid:1', 'urn:uuid:2'].map(objectRef), []),
    );
  });

  it('writes an empty answer as the whole one', () => {
    const streamed = adhocQueryResponseChunks(
      'Success',
      queryResponseObjects({ returnType: 'LeafClass', documents: [], ...NONE }),
    );
    expect([...streamed].join('')).toBe(adhocQueryResponse('Success', [], []));
  });

  it('wraps the chunks in the same SOAP envelope as a whole body', () => {
    const message = {
      action: 'urn:ihe:iti:2007:RegistryStoredQueryResponse',
      relatesTo: 'urn:x&y',
    };
    const body = ['<a>', 'b', '</a>'];
    expect(withoutFreshIds([...soapEnvelopeChunks({ ...message, body })].join(''))).toBe(
      withoutFreshIds(soapEnvelope({ ...message, body: body.join('') })),
    );
  });
});
