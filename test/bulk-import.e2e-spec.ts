import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, DocumentReference } from 'fhir/r4';
import { freshOid, freshPatient } from '@passerelle/testing';
import { syntheticDocument } from '../apps/cli/src/import/synthetic-import';
import { passerelleInBackground } from './support/cli';
import { openTestDatabase } from './support/test-database';
import { FhirClient, TestGateway, startTestGateway } from './support/test-gateway';

const DOCUMENTS_PER_PATIENT = 12;
const SOURCE_ID = '1.2.250.1.999.7';

interface Patient {
  readonly nir: string;
  readonly token: string;
  readonly oid: string;
}

interface Report {
  lines: number;
  imported: number;
  unchanged: number;
  notStored: number;
  refused: { line: number; code: string; message: string }[];
}

type Line = ReturnType<typeof syntheticDocument> & Record<string, unknown>;

/** A DocumentReference line for the patient, with its own uniqueId and bytes. */
function lineFor(patient: Patient, text = `Compte rendu ${freshOid()}`): Line {
  const bytes = Buffer.from(text.padEnd(1024, '.'));
  return syntheticDocument(
    `2.25.${BigInt(`0x${createHash('sha256').update(text).digest('hex').slice(0, 30)}`)}`,
    { ins: patient.nir, oid: patient.oid },
    bytes,
  ) as Line;
}

function attachmentOf(line: Line): Record<string, unknown> {
  return (line as unknown as DocumentReference).content[0].attachment as Record<string, unknown>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function uniqueIdOf(line: Line): string {
  return (line as unknown as DocumentReference).masterIdentifier!.value!.slice('urn:oid:'.length);
}

describe('passerelle import: an NDJSON file fed as one structure, as ITI-65 (PostgreSQL, mutual TLS)', () => {
  let gateway: TestGateway;
  let doctor: FhirClient;
  let work: string;
  let identity: string[];

  beforeAll(async () => {
    gateway = await startTestGateway();
    doctor = gateway.fhir('medecin-generaliste');
    work = mkdtempSync(join(tmpdir(), 'passerelle-bulk-import-'));
    const hospital = gateway.pki.personas['hopital-org'];
    identity = ['--cert', hospital.certPath, '--key', hospital.keyPath, '--ca', gateway.pki.caPath];
  });

  afterAll(async () => {
    await gateway.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function openRecord(): Promise<Patient> {
    const patient = freshPatient();
    await doctor.create({
      resourceType: 'Patient',
      body: {
        resourceType: 'Patient',
        identifier: [{ system: patient.system, value: patient.nir }],
      },
      options: { headers: { 'If-None-Exist': `identifier=${patient.token}` } },
    });
    return { nir: patient.nir, token: patient.token, oid: patient.system.slice('urn:oid:'.length) };
  }

  function writeFile(name: string, lines: readonly (Line | string)[]): string {
    const path = join(work, name);
    writeFileSync(
      path,
      lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n',
    );
    return path;
  }

  async function runImport(
    path: string,
    ...extra: string[]
  ): Promise<{ status: number | null; report: Report }> {
    const run = await passerelleInBackground(
      'import',
      path,
      '--source-id',
      SOURCE_ID,
      '--content-type',
      '07',
      '--json',
      ...identity,
      ...extra,
    );
    expect(run.stderr).toEqual(run.status === 2 ? expect.stringMatching(/line\(s\) refused/) : '');
    return { status: run.status, report: JSON.parse(run.stdout) as Report };
  }

  async function documentsOf(patient: Patient): Promise<DocumentReference[]> {
    const found = (await doctor.search({
      resourceType: 'DocumentReference',
      searchParams: { 'patient.identifier': patient.token, _count: '100' },
    })) as unknown as Bundle;
    return (found.entry ?? []).map((entry) => entry.resource as DocumentReference);
  }

  async function download(url: string): Promise<Buffer> {
    const response = await fetch(url, {
      dispatcher: gateway.agent('medecin-generaliste'),
    } as unknown as RequestInit);
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  it('imports 3 patients × N documents, found by ITI-67 and read byte-identical by ITI-68, audited and notified; a rerun changes nothing', async () => {
    const patients = [await openRecord(), await openRecord(), await openRecord()];
    const lines = patients.flatMap((patient) =>
      Array.from({ length: DOCUMENTS_PER_PATIENT }, () => lineFor(patient)),
    );
    // One document's content in a file beside the NDJSON file.
    mkdirSync(join(work, 'content'), { recursive: true });
    const fileLine = lineFor(patients[0]);
    const fileBytes = Buffer.from(attachmentOf(fileLine).data as string, 'base64');
    writeFileSync(join(work, 'content', 'cr.txt'), fileBytes);
    delete attachmentOf(fileLine).data;
    attachmentOf(fileLine).url = 'content/cr.txt';
    const path = writeFile('registry.ndjson', [...lines, fileLine]);

    const first = await runImport(path, '--batch', '10');
    expect(first.status).toBe(0);
    expect(first.report).toMatchObject({
      lines: lines.length + 1,
      imported: lines.length + 1,
      unchanged: 0,
      refused: [],
    });

    for (const patient of patients) {
      const found = await documentsOf(patient);
      const expected = [...lines, fileLine].filter((l) => JSON.stringify(l).includes(patient.nir));
      expect(found.map((d) => d.masterIdentifier?.value).sort()).toEqual(
        expected.map((l) => `urn:oid:${uniqueIdOf(l)}`).sort(),
      );
    }
    const [document] = (await documentsOf(patients[0])).filter(
      (d) => d.masterIdentifier?.value === `urn:oid:${uniqueIdOf(fileLine)}`,
    );
    expect(await download(document.content[0].attachment.url!)).toEqual(fileBytes);
    const inline = lines[1];
    const [inlineDocument] = (await documentsOf(patients[0])).filter(
      (d) => d.masterIdentifier?.value === `urn:oid:${uniqueIdOf(inline)}`,
    );
    expect(await download(inlineDocument.content[0].attachment.url!)).toEqual(
      Buffer.from(attachmentOf(inline).data as string, 'base64'),
    );

    const database = await openTestDatabase();
    try {
      const keys = patients.map((p) => `${p.nir}^^^&${p.oid}&ISO`);
      const audits: { patient_key: string; outcome: string; documents: string[] }[] =
        await database.dataSource.query(
          `SELECT patient_key, outcome, documents FROM audit_event
          WHERE transaction = 'BULK-IMPORT' AND patient_key = ANY($1)`,
          [keys],
        );
      expect(audits).toHaveLength(lines.length + 1);
      expect(audits.every((a) => a.outcome === 'allowed' && a.documents.length === 1)).toBe(true);
      const notices: { count: string }[] = await database.dataSource.query(
        `SELECT count(*) FROM notification_outbox WHERE kind = 'new-document' AND patient_key = ANY($1)`,
        [keys],
      );
      expect(Number(notices[0].count)).toBe(lines.length + 1);
    } finally {
      await database.close();
    }

    const again = await runImport(path);
    expect(again.status).toBe(0);
    expect(again.report).toMatchObject({ imported: 0, unchanged: lines.length + 1, refused: [] });
    expect(await documentsOf(patients[1])).toHaveLength(DOCUMENTS_PER_PATIENT);
  });

  it('writes a batch of several records as one transaction (COPY), tricky text values and any bytes read back identical by ITI-67 and ITI-68', async () => {
    const patients = [await openRecord(), await openRecord()];
    const tricky =
      'Tab\there, line\nbreak\r\n "quotes" \'single\' back\\slash \\N \\x41 {a,b} NULL é日本🙂';
    const bytes = Buffer.from(Array.from({ length: 1024 }, (_, index) => index % 256));
    const lines = patients.flatMap((patient) =>
      [0, 1].map((index) => {
        const line = lineFor(patient);
        const attachment = attachmentOf(line);
        attachment.title = `${tricky} ${index}`;
        attachment.data = bytes.toString('base64');
        attachment.hash = createHash('sha1').update(bytes).digest('base64');
        attachment.size = bytes.length;
        const reference = line as unknown as DocumentReference;
        reference.masterIdentifier = {
          system: 'urn:ietf:rfc:3986',
          value: `urn:oid:${freshOid()}`,
        };
        reference.description = tricky;
        reference.contained![0] = {
          ...reference.contained![0],
          name: [{ family: `O'Brien\t"${tricky}"`, given: ['Zoé\\ A\tB {x,"y"}'] }],
        } as never;
        return line;
      }),
    );
    const { status, report } = await runImport(writeFile('tricky.ndjson', lines));
    expect(status).toBe(0);
    expect(report).toMatchObject({ imported: lines.length, refused: [] });

    for (const patient of patients) {
      const found = await documentsOf(patient);
      expect(found).toHaveLength(2);
      for (const document of found) {
        expect(document.description).toBe(tricky);
        expect(document.content[0].attachment.title).toMatch(
          new RegExp(`^${escapeRegExp(tricky)} [01]$`),
        );
        const author = (document.contained ?? []).find((r) => r.resourceType === 'Practitioner');
        expect(author).toMatchObject({
          name: [{ family: `O'Brien\t"${tricky}"`, given: ['Zoé\\ A\tB {x,"y"}'] }],
        });
        expect(await download(document.content[0].attachment.url!)).toEqual(bytes);
      }
    }
    const database = await openTestDatabase();
    try {
      const keys = patients.map((p) => `${p.nir}^^^&${p.oid}&ISO`);
      const transactions: { count: string }[] = await database.dataSource.query(
        `SELECT count(DISTINCT xmin::text) FROM document_entry WHERE patient_key = ANY($1)`,
        [keys],
      );
      expect(Number(transactions[0].count)).toBe(1);
      const audits: { reason: string | null }[] = await database.dataSource.query(
        `SELECT reason FROM audit_event WHERE transaction = 'BULK-IMPORT' AND patient_key = ANY($1)`,
        [keys],
      );
      expect(audits).toHaveLength(lines.length);
      expect(audits.every((a) => a.reason === null)).toBe(true);
    } finally {
      await database.close();
    }
  });

  it('refuses, line by line, a closed record, an unknown patient, a code outside the value sets, a wrong hash and a uniqueId registered with other content', async () => {
    const open = await openRecord();
    const closed = await openRecord();
    expect(
      (
        await passerelleInBackground(
          'record',
          'close',
          closed.nir,
          '--oid',
          closed.oid,
          '--reason',
          'Décès',
        )
      ).status,
    ).toBe(0);
    const unknown = { ...freshPatient(), oid: '1.2.250.1.213.1.4.10' };
    const registered = lineFor(open);
    expect((await runImport(writeFile('first.ndjson', [registered]))).report.imported).toBe(1);

    const badCode = lineFor(open);
    (badCode as unknown as DocumentReference).type = {
      coding: [{ system: 'http://loinc.org', code: '00000-0' }],
    };
    const badHash = lineFor(open);
    attachmentOf(badHash).hash = createHash('sha1').update('other bytes').digest('base64');
    const otherContent = lineFor(open, 'other content');
    (otherContent as unknown as DocumentReference).masterIdentifier = {
      ...(registered as unknown as DocumentReference).masterIdentifier,
    };
    delete attachmentOf(otherContent).hash;
    delete attachmentOf(otherContent).size;
    const good = lineFor(open);
    const path = writeFile('mixed.ndjson', [
      lineFor(closed),
      lineFor({ nir: unknown.nir, token: unknown.token, oid: unknown.oid }),
      badCode,
      '{ not json',
      badHash,
      otherContent,
      good,
    ]);

    const atomic = await runImport(path, '--atomic');
    expect(atomic.status).toBe(2);
    expect(atomic.report).toMatchObject({ imported: 0, notStored: 1 });

    const { status, report } = await runImport(path);
    expect(status).toBe(2);
    expect(report.imported).toBe(1);
    expect(report.refused).toEqual([
      { line: 1, code: 'XDSRegistryError', message: expect.stringContaining('RECORD_CLOSED') },
      { line: 2, code: 'XDSUnknownPatientId', message: 'The patient has no record' },
      { line: 3, code: 'XDSRegistryMetadataError', message: expect.stringContaining('00000-0') },
      { line: 4, code: 'XDSRegistryError', message: expect.stringContaining('Not JSON') },
      { line: 5, code: 'XDSRepositoryMetadataError', message: expect.stringContaining('hash') },
      {
        line: 6,
        code: 'XDSNonIdenticalHash',
        message: expect.stringContaining(uniqueIdOf(registered)),
      },
    ]);
    expect((await documentsOf(open)).map((d) => d.masterIdentifier?.value).sort()).toEqual(
      [registered, good].map((l) => `urn:oid:${uniqueIdOf(l)}`).sort(),
    );
    expect(await documentsOf(open)).toHaveLength(2);
  });
});
