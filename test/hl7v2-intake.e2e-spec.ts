import { Hl7Message } from '@medplum/core';
import { Hl7Connection } from '@medplum/hl7';
import { freshOid, freshPatient } from '@passerelle/testing';
import { NS, childOf, childrenOf } from '@passerelle/xds';
import type { Bundle, DocumentReference } from 'fhir/r4';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { Client } from 'pg';
import { prepareDocument, submissionOf } from '../apps/cli/src/push/prepare-document';
import { provideBundle } from '../apps/cli/src/push/provide-bundle';
import {
  T02Parts,
  mdmT02,
  mdmT11,
  replacing,
  senderPrt,
} from '../libs/hl7v2/src/mdm-t02-original-document/mdm-t02.spec-support';
import {
  R01Parts,
  oruR01,
} from '../libs/hl7v2/src/oru-r01-observation-result/oru-r01.spec-support';
import { postSoap, statusOf } from './support/xds-client';
import { retrieveRequest } from './support/xds-fixtures';
import { FhirClient, TestGateway, startTestGateway } from './support/test-gateway';

const CR_BIO = readFileSync(
  join(__dirname, '../fixtures/cda/written/CR-BIO_lab-report.xml'),
  'utf8',
);

/** laboratoire-org's structure (its ORG certificate's subject). */
const LABORATORY = '1690000000';
const REPOSITORY = '1.2.250.1.999.1.1.1';

/** The written lab report for this test's patient, under a document id never used before. */
function labReport(nir: string): Buffer {
  return Buffer.from(
    CR_BIO.replace('extension="184057512345625"', `extension="${nir}"`).replace(
      /<id root="1\.2\.250\.1\.999\.[0-9.]+"/,
      `<id root="${freshOid()}"`,
    ),
  );
}

/** A small PDF of its own (its bytes differ each time: another document, another hash). */
function pdfReport(): Buffer {
  return Buffer.from(
    `%PDF-1.4\n% compte rendu ${freshOid()}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`,
  );
}

/** Dr MARTIN (RPPS), as TXA-9 (XCN) and OBR-32 (NDL) name her. */
const ORIGINATOR =
  '810000000017^MARTIN^Jeanne^^^Dr^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^RPPS';
const INTERPRETER = '810000000017&MARTIN&Jeanne&&&Dr&&&ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO';

/** The CDA's ClinicalDocument/id (root, extension): the first id of the written report. */
function idOf(cda: Buffer): string[] {
  return /<id root="([^"]+)" extension="([^"]+)"/.exec(cda.toString())!.slice(1);
}

describe('HL7v2 intake: MDM^T02 over MLLP on mutual TLS (real TLS, real PostgreSQL)', () => {
  let gateway: TestGateway;
  let doctor: FhirClient;
  let controlIds = 0;

  beforeAll(async () => {
    gateway = await startTestGateway({
      MLLP_PORT: '0',
      HL7V2_FACILITY_TYPE: '1.2.250.1.71.4.2.4|SA07|Cabinet de biologie',
      HL7V2_PRACTICE_SETTING: '1.2.250.1.213.1.1.4.9|AMBULATOIRE|Ambulatoire',
    });
    doctor = gateway.fhir('medecin-generaliste');
  });

  afterAll(() => gateway.close());

  function tlsSocket(persona?: string) {
    const files = persona ? gateway.pki.personas[persona] : undefined;
    return connect({
      host: '127.0.0.1',
      port: gateway.gateway.mllpPort!,
      servername: 'localhost',
      ca: readFileSync(gateway.pki.caPath),
      ...(files ? { cert: readFileSync(files.certPath), key: readFileSync(files.keyPath) } : {}),
    });
  }

  /** Sends one message as the persona over a fresh MLLP connection; the ACK it gets back. */
  async function send(text: string, persona = 'laboratoire-org'): Promise<Hl7Message> {
    const socket = tlsSocket(persona);
    await new Promise((resolve, reject) =>
      socket.once('secureConnect', resolve).once('error', reject),
    );
    const connection = new Hl7Connection(socket);
    try {
      // No timeoutMs: @medplum/hl7 4.5 leaves that timer armed after the answer, which kept the
      // run alive ~20 s after its last test; Jest's test timeout bounds a missing answer.
      return await connection.sendAndWait(Hl7Message.parse(text));
    } finally {
      await connection.close();
    }
  }

  const message = (parts: Omit<T02Parts, 'controlId'> & { controlId?: string }) =>
    mdmT02({ controlId: `MSG-${Date.now()}-${++controlIds}`, ...parts });
  const labResult = (parts: Omit<R01Parts, 'controlId'> & { controlId?: string }) =>
    oruR01({ controlId: `ORU-${Date.now()}-${++controlIds}`, ...parts });

  async function openRecord(): Promise<{ nir: string; token: string }> {
    const patient = freshPatient();
    const [system, value] = patient.token.split('|');
    await doctor.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', identifier: [{ system, value }] },
      options: { headers: { 'If-None-Exist': `identifier=${patient.token}` } },
    });
    return patient;
  }

  async function documentsOf(token: string): Promise<DocumentReference[]> {
    const bundle = (await doctor.search({
      resourceType: 'DocumentReference',
      searchParams: { 'patient.identifier': token },
    })) as unknown as Bundle;
    return (bundle.entry ?? []).map((entry) => entry.resource as DocumentReference);
  }

  /** ITI-68: the bytes of a DocumentReference's attachment, as the doctor reads them. */
  async function contentOf(document: DocumentReference): Promise<Buffer> {
    const response = await fetch(document.content[0].attachment.url!, {
      dispatcher: gateway.agent('medecin-generaliste'),
    } as unknown as RequestInit);
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  const ackCode = (ack: Hl7Message) => ack.getSegment('MSA')?.getField(1)?.toString();
  const errors = (ack: Hl7Message) => ack.getAllSegments('ERR').map((err) => err.toString());

  it('stores the CDA of an MDM^T02 (AA): found by ITI-67, read byte-identical by ITI-68', async () => {
    const patient = await openRecord();
    const cda = labReport(patient.nir);
    const ack = await send(
      message({ cda, nir: patient.nir, flags: { INVISIBLE_REP_LEGAUX: 'Y' } }),
    );
    expect(ack.getSegment('MSH')?.getField(9)?.toString()).toMatch(/^ACK/);
    expect(ackCode(ack)).toBe('AA');
    const [document, ...others] = await documentsOf(patient.token);
    expect(others).toHaveLength(0);
    expect(document.type?.coding?.[0].code).toBe('11502-2');
    expect(
      document.securityLabel?.flatMap((label) => label.coding ?? []).map((c) => c.code),
    ).toEqual(expect.arrayContaining(['N', 'INVISIBLE_REPRESENTANTS_LEGAUX']));
    const response = await fetch(document.content[0].attachment.url!, {
      dispatcher: gateway.agent('medecin-generaliste'),
    } as unknown as RequestInit);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(cda)).toBe(true);
  });

  it('replaces a document by MDM^T10 (AA): the new version is current, the old one superseded', async () => {
    const patient = await openRecord();
    const original = labReport(patient.nir);
    expect(ackCode(await send(message({ cda: original, nir: patient.nir })))).toBe('AA');
    const [root, extension] = idOf(original);
    const replacement = replacing(labReport(patient.nir), `${root}^${extension}`);
    const ack = await send(message({ cda: replacement, nir: patient.nir, event: 'T10' }));
    expect(ackCode(ack)).toBe('AA');
    const documents = await documentsOf(patient.token);
    const current = documents.find((document) => document.status === 'current');
    expect(current?.masterIdentifier?.value).toContain(idOf(replacement)[0]);
    expect(
      documents
        .filter((document) => document.status === 'superseded')
        .map((document) => document.masterIdentifier?.value),
    ).toEqual([`urn:oid:${root}^${extension}`]);
  });

  it('answers a replacement of a document the record does not hold AE, and stores nothing', async () => {
    const patient = await openRecord();
    const replacement = replacing(labReport(patient.nir), `${freshOid()}^NOT-STORED`);
    const ack = await send(message({ cda: replacement, nir: patient.nir, event: 'T10' }));
    expect(ackCode(ack)).toBe('AE');
    expect(await documentsOf(patient.token)).toHaveLength(0);
  });

  it('deletes a document logically by MDM^T11 (AA); a second cancellation is AE', async () => {
    const patient = await openRecord();
    const cda = labReport(patient.nir);
    expect(ackCode(await send(message({ cda, nir: patient.nir })))).toBe('AA');
    const uniqueId = idOf(cda).join('^');
    const cancel = () =>
      send(mdmT11({ nir: patient.nir, uniqueId, controlId: `MSG-${Date.now()}-${++controlIds}` }));
    expect(ackCode(await cancel())).toBe('AA');
    const statuses = (await documentsOf(patient.token)).map((document) => document.status);
    expect(statuses).not.toContain('current');
    expect(ackCode(await cancel())).toBe('AE');
  });

  it('answers a replayed message (same control id, same document) AA and stores it once', async () => {
    const patient = await openRecord();
    const text = message({ cda: labReport(patient.nir), nir: patient.nir });
    expect(ackCode(await send(text))).toBe('AA');
    expect(ackCode(await send(text))).toBe('AA');
    expect(await documentsOf(patient.token)).toHaveLength(1);
  });

  it('answers a malformed document AE with the reason and the XDS code, and stores nothing', async () => {
    const patient = await openRecord();
    const ack = await send(
      message({
        cda: labReport(patient.nir),
        nir: patient.nir,
        obx5: '^text^XML^Base64^not*base64',
      }),
    );
    expect(ackCode(ack)).toBe('AE');
    expect(errors(ack)).toEqual([
      expect.stringMatching(/^ERR\|\|OBX\^1\^5\|.*\|E\|XDSRegistryError\^.*OBX-5\.5 is not base64/),
    ]);
    expect(await documentsOf(patient.token)).toHaveLength(0);
  });

  it('answers a patient without an open record AE (XDSUnknownPatientId), and stores nothing', async () => {
    const patient = freshPatient();
    const ack = await send(message({ cda: labReport(patient.nir), nir: patient.nir }));
    expect(ackCode(ack)).toBe('AE');
    expect(errors(ack).join('\n')).toContain('XDSUnknownPatientId');
  });

  it('answers AR when access control refuses the sender (the patient blocked the laboratory)', async () => {
    const patient = await openRecord();
    const database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
    try {
      await database.query(
        `INSERT INTO access_block (patient_key, subject_id, declared_by, declared_at)
         VALUES ($1, $2, 'patient', now())`,
        [`${patient.nir}^^^&1.2.250.1.213.1.4.10&ISO`, LABORATORY],
      );
    } finally {
      await database.end();
    }
    const ack = await send(message({ cda: labReport(patient.nir), nir: patient.nir }));
    expect(ackCode(ack)).toBe('AR');
    expect(errors(ack).join('\n')).toContain('XDSRegistryError');
    expect(await documentsOf(patient.token)).toHaveLength(0);
  });

  it('answers another message type AR (200 unsupported message type)', async () => {
    const patient = await openRecord();
    const text = message({ cda: labReport(patient.nir), nir: patient.nir }).replace(
      'MDM^T02^MDM_T02',
      'MDM^T06^MDM_T02',
    );
    const ack = await send(text);
    expect(ackCode(ack)).toBe('AR');
    expect(errors(ack).join('\n')).toContain('200^Unsupported message type');
  });

  it('reads back an MDM^T02 document by ITI-43 (XDS Retrieve over MTOM), byte-identical', async () => {
    const patient = await openRecord();
    const cda = labReport(patient.nir);
    expect(ackCode(await send(message({ cda, nir: patient.nir })))).toBe('AA');
    const [document] = await documentsOf(patient.token);
    expect(document.masterIdentifier?.value).toBe(`urn:oid:${idOf(cda).join('^')}`);
    const answer = await postSoap(
      gateway,
      'repository',
      retrieveRequest([{ repositoryUniqueId: REPOSITORY, documentUniqueId: idOf(cda).join('^') }]),
      'medecin-generaliste',
    );
    expect(answer.contentType).toMatch(/^multipart\/related/);
    expect(statusOf(answer.body)).toBe('Success');
    const [response] = childrenOf(answer.body, NS.xdsb, 'DocumentResponse');
    expect(childOf(response, NS.xdsb, 'mimeType')!.text).toBe('text/xml');
    const include = childOf(childOf(response, NS.xdsb, 'Document')!, NS.xop, 'Include')!;
    const contentId = decodeURIComponent(include.attributes.href.replace(/^cid:/, ''));
    expect(answer.attachments.get(contentId)!.body.equals(cda)).toBe(true);
  });

  it('maps a CDA header as the CLI does: pushed by the CLI (ITI-65) and by MDM^T02, the same entry', async () => {
    const patient = await openRecord();
    const viaCli = labReport(patient.nir);
    const viaHl7 = labReport(patient.nir);
    const work = mkdtempSync(join(tmpdir(), 'passerelle-hl7-cli-'));
    try {
      const file = join(work, 'CR-BIO.xml');
      writeFileSync(file, viaCli);
      const settings = { overrides: {}, uniqueIdRoot: freshOid(), sourceId: '1.2.250.1.999.7' };
      const prepared = await prepareDocument(file, settings);
      await gateway
        .fhir('laboratoire-org')
        .transaction({ body: provideBundle(submissionOf(prepared, settings)) });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    expect(ackCode(await send(message({ cda: viaHl7, nir: patient.nir })))).toBe('AA');
    const byId = new Map(
      (await documentsOf(patient.token)).map((document) => [
        document.masterIdentifier?.value,
        document,
      ]),
    );
    const fromCli = byId.get(`urn:oid:${idOf(viaCli).join('^')}`)!;
    const fromHl7 = byId.get(`urn:oid:${idOf(viaHl7).join('^')}`)!;
    expect(fromCli).toBeDefined();
    expect(fromHl7).toBeDefined();
    expect(entryFields(fromHl7)).toEqual(entryFields(fromCli));
    expect(entryFields(fromHl7)).toMatchObject({
      type: { coding: [expect.objectContaining({ code: '11502-2' })] },
      category: [{ coding: expect.arrayContaining([expect.objectContaining({ code: '10' })]) }],
      format: expect.objectContaining({ code: 'urn:ihe:lab:xd-lab:2008' }),
      contentType: 'text/xml',
      custodian: { reference: '#custodian' },
    });
    expect(fromHl7.contained?.find((resource) => resource.id === 'custodian')).toMatchObject({
      resourceType: 'Organization',
      identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.2', value: '1690000000' }],
    });
  });

  it('stores the report of an ORU^R01 (ACK^R01 AA): found by ITI-67, read byte-identical', async () => {
    const patient = await openRecord();
    const cda = labReport(patient.nir);
    const ack = await send(labResult({ cda, nir: patient.nir }));
    expect(ack.getSegment('MSH')?.getField(9)?.toString()).toBe('ACK^R01^ACK');
    expect(ackCode(ack)).toBe('AA');
    const [document, ...others] = await documentsOf(patient.token);
    expect(others).toHaveLength(0);
    expect(document.masterIdentifier?.value).toBe(`urn:oid:${idOf(cda).join('^')}`);
    expect(
      document.securityLabel?.flatMap((label) => label.coding ?? []).map((c) => c.code),
    ).toEqual(expect.arrayContaining(['N', 'INVISIBLE_REPRESENTANTS_LEGAUX']));
    expect((await contentOf(document)).equals(cda)).toBe(true);
  });

  it('stores an ORU^R01 once: replayed (same control id) or resent (same document, new control id)', async () => {
    const patient = await openRecord();
    const cda = labReport(patient.nir);
    const text = labResult({ cda, nir: patient.nir });
    expect(ackCode(await send(text))).toBe('AA');
    expect(ackCode(await send(text))).toBe('AA');
    expect(ackCode(await send(labResult({ cda, nir: patient.nir })))).toBe('AA');
    const other = Buffer.from(cda.toString('utf8').replace('</title>', ' (autre)</title>'));
    const conflict = await send(labResult({ cda: other, nir: patient.nir }));
    expect(ackCode(conflict)).toBe('AE');
    expect(errors(conflict).join('\n')).toContain('XDSNonIdenticalHash');
    const [document, ...others] = await documentsOf(patient.token);
    expect(others).toHaveLength(0);
    expect((await contentOf(document)).equals(cda)).toBe(true);
  });

  it('answers a bad ORU^R01 AE with the reason (ERR) and stores nothing', async () => {
    const patient = await openRecord();
    const cda = labReport(patient.nir);
    const ack = await send(labResult({ cda, nir: patient.nir, obrType: '18748-4' }));
    expect(ack.getSegment('MSH')?.getField(9)?.toString()).toBe('ACK^R01^ACK');
    expect(ackCode(ack)).toBe('AE');
    expect(errors(ack)).toEqual([
      expect.stringMatching(/^ERR\|\|OBR\^1\^4\|.*OBR-4 \(18748-4\) is not the CDA document type/),
    ]);
    const deletion = await send(labResult({ cda, nir: patient.nir, status: 'D' }));
    expect(ackCode(deletion)).toBe('AR');
    expect(errors(deletion).join('\n')).toContain('send an MDM\\S\\T11');
    expect(await documentsOf(patient.token)).toHaveLength(0);
  });

  it('stores the PDF of an MDM^T02 (AA), its metadata from TXA and the settings: found by ITI-67, read byte-identical', async () => {
    const patient = await openRecord();
    const pdf = pdfReport();
    const root = freshOid();
    const ack = await send(
      message({
        pdf,
        nir: patient.nir,
        txaUniqueId: `CR-PDF-1^^${root}^ISO`,
        originator: ORIGINATOR,
        originationTime: '20240312142500',
        sender: senderPrt(LABORATORY),
        flags: { INVISIBLE_PATIENT: 'Y' },
      }),
    );
    expect(ackCode(ack)).toBe('AA');
    const [document, ...others] = await documentsOf(patient.token);
    expect(others).toHaveLength(0);
    expect(document.masterIdentifier?.value).toBe(`urn:oid:${root}^CR-PDF-1`);
    expect(document.content[0].attachment.contentType).toBe('application/pdf');
    expect(document.content[0].format?.code).toBe('urn:ihe:iti:xds-sd:pdf:2008');
    expect(document.type?.coding?.[0].code).toBe('11502-2');
    expect(document.context?.facilityType?.coding?.[0].code).toBe('SA07');
    expect(document.context?.practiceSetting?.coding?.[0].code).toBe('AMBULATOIRE');
    expect(
      document.securityLabel?.flatMap((label) => label.coding ?? []).map((c) => c.code),
    ).toEqual(expect.arrayContaining(['N', 'INVISIBLE_PATIENT']));
    expect(JSON.stringify(document.contained)).toContain('810000000017');
    expect((await contentOf(document)).equals(pdf)).toBe(true);
  });

  it('answers a PDF without its author (TXA-9) AE with the reason, and stores nothing', async () => {
    const patient = await openRecord();
    const ack = await send(
      message({
        pdf: pdfReport(),
        nir: patient.nir,
        txaUniqueId: `CR-PDF-1^^${freshOid()}^ISO`,
        originationTime: '20240312142500',
      }),
    );
    expect(ackCode(ack)).toBe('AE');
    expect(errors(ack)).toEqual([
      expect.stringMatching(/^ERR\|\|TXA\^1\^9\|101\^Required field missing.*TXA-9 is required/),
    ]);
    expect(await documentsOf(patient.token)).toHaveLength(0);
  });

  it('stores the PDF report of an ORU^R01 (AA): OBX-21 its id, OBR-32 its author; read byte-identical', async () => {
    const patient = await openRecord();
    const pdf = pdfReport();
    const root = freshOid();
    const ack = await send(
      labResult({
        pdf,
        nir: patient.nir,
        observationId: `CR-PDF-2^^${root}^ISO`,
        interpreter: INTERPRETER,
        reportTime: '20240312150000',
      }),
    );
    expect(ackCode(ack)).toBe('AA');
    const [document, ...others] = await documentsOf(patient.token);
    expect(others).toHaveLength(0);
    expect(document.masterIdentifier?.value).toBe(`urn:oid:${root}^CR-PDF-2`);
    expect(document.content[0].attachment.contentType).toBe('application/pdf');
    expect((await contentOf(document)).equals(pdf)).toBe(true);
  });

  it('refuses at the TLS handshake a client without a certificate: no message is read', async () => {
    const socket = tlsSocket();
    const outcome = await new Promise<string>((resolve) => {
      socket.once('data', () => resolve('answered'));
      socket.once('error', () => resolve('refused'));
      socket.once('close', () => resolve('refused'));
      socket.once('secureConnect', () => socket.write('\x0bMSH|^~\\&|X\x1c\r'));
    });
    expect(outcome).toBe('refused');
    socket.destroy();
  });
});

/**
 * What a DocumentReference says of its document, without what names this one copy (id, version,
 * masterIdentifier, the content's address).
 */
function entryFields(document: DocumentReference) {
  const attachment = document.content[0].attachment;
  return {
    status: document.status,
    type: document.type,
    category: document.category,
    subject: document.subject,
    author: document.author,
    authenticator: document.authenticator,
    custodian: document.custodian,
    contained: document.contained,
    description: document.description,
    securityLabel: document.securityLabel,
    contentType: attachment.contentType,
    language: attachment.language,
    creation: attachment.creation,
    title: attachment.title,
    format: document.content[0].format,
    context: document.context,
  };
}
