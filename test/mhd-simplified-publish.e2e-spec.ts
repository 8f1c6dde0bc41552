import type { DocumentReference, OperationOutcome } from 'fhir/r4';
import { Fhir } from 'fhir';
import { createHash } from 'node:crypto';
import { XDS_STATUS_URN } from '@passerelle/domain';
import { NS, childOf, childrenOf } from '@passerelle/xds';
import { freshPatient, provideBundle, simplifiedPublishDocument } from '@passerelle/testing';
import { Answer, BERNARD, DmpRecord, DmpTestBed } from './support/dmp-test-bed';
import { expectSuccess, postSoap } from './support/xds-client';
import { STORED_QUERY, storedQuery } from './support/xds-fixtures';

const xdsCode = (answer: Answer) =>
  (answer.body as unknown as OperationOutcome).issue[0].details?.coding?.[0].code;

/**
 * ITI-105 Simplified Publish (issue 12): one DocumentReference with its document inline, through
 * the same use case as ITI-65, over real mutual TLS on PostgreSQL.
 */
describe('MHD ITI-105 Simplified Publish', () => {
  let bed: DmpTestBed;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
  });

  afterAll(() => bed.close());

  const publish = (body: unknown, who = 'hopital-org') =>
    bed.call(who, 'POST', '/DocumentReference', body);

  async function iti105Rows(record: DmpRecord) {
    return (await bed.auditRows(record)).filter((row) => row.transaction === 'ITI-105');
  }

  async function findOverXds(record: DmpRecord) {
    const answer = await postSoap(
      bed.gateway,
      'registry',
      storedQuery(STORED_QUERY.FindDocuments, {
        $XDSDocumentEntryPatientId: [`'${record.cx}'`],
        $XDSDocumentEntryStatus: [`('${XDS_STATUS_URN.Approved}')`],
      }),
      'medecin-generaliste',
    );
    expectSuccess(answer);
    const list = childOf(answer.body, NS.rim, 'RegistryObjectList');
    return list ? childrenOf(list, NS.rim, 'ExtrinsicObject') : [];
  }

  it('creates the document (201, Location, the Binary URL instead of the data), found by ITI-67, read byte-identical by ITI-68, found by ITI-18, audited and notified', async () => {
    const record = await bed.newRecord();
    const content = Buffer.from('Compte rendu publié en une requête');
    const sent = simplifiedPublishDocument(record.token, {
      content,
      supplyHash: true,
      title: 'CR simplifié',
    });
    const created = await publish(sent);
    expect(created.status).toBe(201);
    const document = created.body as unknown as DocumentReference;
    expect(document.resourceType).toBe('DocumentReference');
    expect(document.masterIdentifier).toEqual(sent.masterIdentifier);
    const attachment = document.content[0].attachment;
    expect(attachment.data).toBeUndefined();
    expect(attachment.url).toMatch(new RegExp(`^${bed.gateway.fhirUrl}/Binary/[^/]+$`));
    expect(attachment.hash).toBe(createHash('sha1').update(content).digest('base64'));

    const location = await fetch(`${bed.gateway.fhirUrl}/DocumentReference`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(simplifiedPublishDocument(record.token)),
      dispatcher: bed.agent('hopital-org'),
    } as unknown as RequestInit);
    expect(location.status).toBe(201);
    const second = (await location.json()) as DocumentReference;
    expect(location.headers.get('location')).toBe(
      `${bed.gateway.fhirUrl}/DocumentReference/${second.id}`,
    );

    const found = await bed.search('medecin-generaliste', record, `&_id=${document.id}`);
    expect(found.body.total).toBe(1);
    expect((found.body.entry![0].resource as DocumentReference).content[0].attachment.url).toBe(
      attachment.url,
    );
    const read = await fetch(attachment.url!, {
      dispatcher: bed.agent('medecin-generaliste'),
    } as unknown as RequestInit);
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(Buffer.from(await read.arrayBuffer()).equals(content)).toBe(true);

    const overXds = await findOverXds(record);
    expect(overXds).toHaveLength(2);

    expect(await iti105Rows(record)).toEqual([
      expect.objectContaining({ outcome: 'allowed', action: 'document.provide' }),
      expect.objectContaining({ outcome: 'allowed', action: 'document.provide' }),
    ]);
    expect(await bed.notificationRows(record, 'new-document')).toHaveLength(2);
  });

  it('answers an identical resubmission 200 with what was registered, and other content under the same uniqueId 409', async () => {
    const record = await bed.newRecord();
    const sent = simplifiedPublishDocument(record.token, { supplyHash: true });
    const first = await publish(sent);
    expect(first.status).toBe(201);
    const again = await publish(sent);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(1);

    const other = simplifiedPublishDocument(record.token, {
      uniqueId: sent.masterIdentifier!.value!.slice('urn:oid:'.length),
      content: Buffer.from('autre contenu'),
    });
    const conflict = await publish(other);
    expect(conflict.status).toBe(409);
    expect(xdsCode(conflict)).toBe('XDSNonIdenticalHash');
  });

  it('derives the SubmissionSet contentTypeCode from a contained Encounter, and refuses a submission without either', async () => {
    const record = await bed.newRecord();
    const byEncounter = await publish(
      simplifiedPublishDocument(record.token, { contentType: 'encounter' }),
    );
    expect(byEncounter.status).toBe(201);
    const { extension: _designation, ...neither } = simplifiedPublishDocument(record.token);
    const refused = await publish(neither);
    expect(refused.status).toBe(400);
    expect(refused.body.issue![0].diagnostics).toMatch(/contentTypeCode/);
  });

  it('accepts and answers FHIR XML', async () => {
    const record = await bed.newRecord();
    const fhir = new Fhir();
    const response = await fetch(`${bed.gateway.fhirUrl}/DocumentReference`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+xml', accept: 'application/fhir+xml' },
      body: fhir.objToXml(simplifiedPublishDocument(record.token, { title: 'CR en XML' })),
      dispatcher: bed.agent('hopital-org'),
    } as unknown as RequestInit);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/fhir+xml; charset=utf-8');
    const created = JSON.parse(fhir.xmlToJson(await response.text())) as DocumentReference;
    expect(created.content[0].attachment.title).toBe('CR en XML');
  });

  it('refuses what ITI-65 refuses, with the same codes, each audited, nothing stored', async () => {
    const record = await bed.newRecord();
    const withoutData = simplifiedPublishDocument(record.token);
    delete withoutData.content[0].attachment.data;
    const missing = await publish(withoutData);
    expect([missing.status, xdsCode(missing)]).toEqual([400, 'XDSMissingDocument']);

    const badHash = simplifiedPublishDocument(record.token);
    badHash.content[0].attachment.hash = createHash('sha1').update('autre').digest('base64');
    const hash = await publish(badHash);
    expect([hash.status, xdsCode(hash)]).toEqual([422, 'XDSRepositoryMetadataError']);

    const badSize = simplifiedPublishDocument(record.token);
    badSize.content[0].attachment.size = 1;
    const size = await publish(badSize);
    expect([size.status, xdsCode(size)]).toEqual([422, 'XDSRepositoryMetadataError']);

    const notBase64 = simplifiedPublishDocument(record.token);
    notBase64.content[0].attachment.data = 'pas du base64 !';
    expect((await publish(notBase64)).status).toBe(400);

    const superseded = { ...simplifiedPublishDocument(record.token), status: 'superseded' };
    expect((await publish(superseded)).status).toBe(400);

    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(0);
    const rows = await iti105Rows(record);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((row) => row.outcome !== 'allowed')).toBe(true);
  });

  it('refuses an unknown patient (404), a blocked professional and a closed record (403), as ITI-65 does', async () => {
    const unknown = freshPatient();
    const noRecord = await publish(simplifiedPublishDocument(unknown.token));
    expect([noRecord.status, xdsCode(noRecord)]).toEqual([404, 'XDSUnknownPatientId']);

    const record = await bed.newRecord();
    await bed.patient.block(record, BERNARD);
    const blocked = await publish(
      simplifiedPublishDocument(record.token, { authorId: BERNARD }),
      'bernard',
    );
    await bed.expectRefused(blocked, 'BLOCKED', record, BERNARD);

    const closing = await bed.newRecord();
    await bed.patient.close(closing, 'décès');
    const closed = await publish(simplifiedPublishDocument(closing.token));
    const bundle = await bed.call('hopital-org', 'POST', '', provideBundle(closing.token, [{}]));
    expect(closed.status).toBe(403);
    expect([closed.status, closed.body.issue]).toEqual([bundle.status, bundle.body.issue]);
    expect(await iti105Rows(closing)).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        reason: bundle.body.issue![0].diagnostics!.match(/\((\w+)\)$/)![1],
      }),
    ]);
  });
});
