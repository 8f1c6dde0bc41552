import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { addDays, addYears } from '@passerelle/domain';
import {
  Database,
  FileKeyEncryptionService,
  PostgresAuditStore,
  PostgresRecordLifecycleStore,
  PostgresRegistryStore,
  openContent,
  openDatabase,
} from '@passerelle/persistence';
import { LifecycleJobs, LifecyclePass } from '@passerelle/record-management';
import { freshPatient } from '@passerelle/testing';
import { passerelle } from './support/cli';
import { Answer, DmpRecord, DmpTestBed, IDNAT } from './support/dmp-test-bed';
import {
  PatientChannel,
  PatientTestBed,
  fhirJson,
  startPatientTestBed,
} from './support/patient-session';
import { openTestDatabase, testKekFile } from './support/test-database';
import { errorCodesOf, postSoap, statusOf } from './support/xds-client';
import { findDocumentsQuery, nistBytes, nistText, provideRequest } from './support/xds-fixtures';

interface LifecycleRow {
  status: string;
  closed_at: Date | null;
  opposition_until: Date | null;
  purge_due_at: Date | null;
  deletion_requested_at: Date | null;
  purge_started_at: Date | null;
  purged_at: Date | null;
  demographics: Record<string, unknown>;
  phone: string | null;
}

interface StoredContent {
  patient_key: string;
  content_id: string;
  bytes: Buffer;
  nonce: Buffer;
  auth_tag: Buffer;
}

/**
 * The record's lifecycle over both doors (mutual TLS, patient tokens, PostgreSQL): pending and
 * opposition, deletion request, suspension by the operator, the patient's year of reading a
 * closed record; and the time-based steps run with an injected clock — the purge proven on the
 * raw tables and on a dump taken before it, two passes at once purging each record once, a pass
 * stopped half-way finished by the next.
 */
describe('the record lifecycle', () => {
  let patients: PatientTestBed;
  let bed: DmpTestBed;
  let channel: PatientChannel;
  let node: Database;
  let jobs: LifecycleJobs;

  beforeAll(async () => {
    patients = await startPatientTestBed();
    ({ bed, channel } = patients);
    node = await openTestDatabase(2);
    jobs = jobsOn(node);
  });

  afterAll(async () => {
    await node.close();
    await patients.close();
  });

  /** A scheduler's pass as a node runs it, on its own connections. */
  function jobsOn(database: Database): LifecycleJobs {
    const { dataSource, dataKeys } = database;
    return new LifecycleJobs(
      new PostgresRecordLifecycleStore(dataSource, dataKeys, new PostgresAuditStore(dataSource)),
    );
  }

  async function lifecycleOf(record: DmpRecord): Promise<LifecycleRow> {
    const { rows } = await bed.database.query<LifecycleRow>(
      `SELECT status, closed_at, opposition_until, purge_due_at, deletion_requested_at,
              purge_started_at, purged_at, demographics, phone
         FROM patient_record WHERE patient_key = $1`,
      [record.key],
    );
    return rows[0];
  }

  const patientOperation = (
    token: string,
    record: DmpRecord,
    name: string,
    parameter: { name: string; valueString: string }[] = [],
  ) =>
    channel
      .fhir(token, 'POST', `/Patient/${record.resourceId}/$${name}`, {
        resourceType: 'Parameters',
        parameter,
      })
      .then(fhirJson);

  const patientSearch = (token: string, record: DmpRecord) =>
    channel
      .fhir(token, 'GET', `/DocumentReference?patient=Patient/${record.resourceId}`)
      .then(fhirJson);

  /** `(REASON)` ending a 403's diagnostics, or the status and issue code otherwise. */
  const refusalOf = (answer: { status: number; body: Answer['body'] }) =>
    answer.status === 403
      ? /\(([A-Z_]+)\)$/.exec(answer.body.issue?.[0]?.diagnostics ?? '')?.[1]
      : `${answer.status} ${answer.body.issue?.[0]?.details?.coding?.[0]?.code ?? ''}`;

  /** ITI-41 (MTOM) of one document, by the hospital's system. */
  const provideByXds = (record: DmpRecord) =>
    postSoap(
      bed.gateway,
      'repository',
      provideRequest(nistText('11966', 'submit', 'single_doc.xml'), { patient: record.cx }, [
        { id: 'Document01', bytes: nistBytes('11966', 'submit', 'my_document.txt') },
      ]),
    );

  const findByXds = (record: DmpRecord) =>
    postSoap(bed.gateway, 'registry', findDocumentsQuery(record.cx), 'medecin-generaliste');

  /** What a refused XDS answer says: its status, error codes and the reason in its context. */
  const xdsRefusal = (answer: Awaited<ReturnType<typeof postSoap>>) => ({
    status: statusOf(answer.body),
    codes: errorCodesOf(answer.body),
    reason: /\(([A-Z_]+)\)/.exec(answer.raw.toString('utf8'))?.[1],
  });

  async function auditOf(record: DmpRecord) {
    const { rows } = await bed.database.query<{
      transaction: string;
      reason: string | null;
      principal: { kind: string; subjectId: string } | null;
    }>(
      `SELECT transaction, reason, principal FROM audit_event
        WHERE patient_key = $1 AND action = 'record.lifecycle' ORDER BY recorded_at`,
      [record.key],
    );
    return rows.map(({ transaction, reason, principal }) => ({
      transaction,
      reason,
      by: principal?.kind,
    }));
  }

  async function lifecycleNotices(record: DmpRecord) {
    return (await bed.notificationRows(record, 'record-status')).map((row) => row.payload);
  }

  /** The médecin's certificate, as an operator would wrongly try it with --server. */
  const overTheApi = () => {
    const { certPath, keyPath } = bed.gateway.pki.personas['medecin-generaliste'];
    return [
      '--server',
      bed.gateway.baseUrl,
      '--cert',
      certPath,
      '--key',
      keyPath,
      '--ca',
      bed.gateway.pki.caPath,
    ];
  };

  const sum = (passes: LifecyclePass[]) => ({
    activated: passes.flatMap((pass) => pass.activated),
    purged: passes.flatMap((pass) => pass.purged.map((report) => report.patientKey)),
  });

  describe('pending: opened by default, the patient may oppose within six weeks', () => {
    it('passerelle record open --by-default: pending, fed and consulted as open, the notice sent', async () => {
      const patient = freshPatient();
      const oid = patient.system.slice('urn:oid:'.length);
      const key = `${patient.nir}^^^&${oid}&ISO`;
      const record: DmpRecord = { ...patient, resourceId: `${oid}-${patient.nir}`, key, cx: key };
      const opened = passerelle(
        'record',
        'open',
        record.nir,
        '--oid',
        oid,
        '--by-default',
        '--json',
      );
      expect(opened.stderr).toBe('');
      const view = JSON.parse(opened.stdout) as { status: string; oppositionUntil: string };
      expect(view.status).toBe('pending');
      const { opposition_until: until } = await lifecycleOf(record);
      expect(new Date(view.oppositionUntil)).toEqual(until);
      expect(until!.getTime() - Date.now()).toBeGreaterThan(41 * 86_400_000);
      expect(await auditOf(record)).toEqual([
        { transaction: 'record-open-by-default', reason: null, by: 'OPERATOR' },
      ]);
      expect(await lifecycleNotices(record)).toEqual([
        { change: 'open-by-default', status: 'pending', oppositionUntil: until!.toISOString() },
      ]);

      await bed.patient.authorise(record, IDNAT.medecin);
      await bed.provide(record, [{ title: 'Compte rendu' }]);
      expect((await bed.search('medecin-generaliste', record)).body.total).toBe(1);
      const remote = passerelle(
        'record',
        'open',
        record.nir,
        '--oid',
        oid,
        '--by-default',
        ...overTheApi(),
      );
      expect(remote.status).toBe(2);
      expect(remote.stderr).toMatch(/--by-default is an operator's step, taken in the database/);
    });

    it('the patient opposes ($oppose): deleted a week later; a professional may not; after six weeks 422', async () => {
      const { record, token } = await channel.loggedInPatient('oppose');
      await bed.database.query(
        `UPDATE patient_record SET status = 'pending', opposition_until = now() + interval '42 days'
          WHERE patient_key = $1`,
        [record.key],
      );
      const byMedecin = await bed.operation('medecin-generaliste', record, '$oppose');
      await bed.expectRefused(byMedecin, 'PATIENT_ONLY', record);

      await bed.database.query(
        `UPDATE patient_record SET opposition_until = now() - interval '1 day' WHERE patient_key = $1`,
        [record.key],
      );
      const late = await patientOperation(token, record, 'oppose');
      expect(refusalOf(late)).toBe('422 XDSRegistryError');
      expect(late.body.issue?.[0]?.diagnostics).toMatch(/opposition period ended/);

      await bed.database.query(
        `UPDATE patient_record SET opposition_until = now() + interval '1 day' WHERE patient_key = $1`,
        [record.key],
      );
      expect((await patientOperation(token, record, 'oppose')).status).toBe(200);
      const opposed = await lifecycleOf(record);
      expect(opposed.status).toBe('deletion-requested');
      expect(opposed.purge_due_at!.getTime() - opposed.deletion_requested_at!.getTime()).toBe(
        7 * 86_400_000,
      );
      expect(refusalOf(await bed.search('medecin-generaliste', record))).toBe('RECORD_CLOSED');
      expect(refusalOf(await patientOperation(token, record, 'oppose'))).toBe(
        '409 XDSRegistryError',
      );

      expect(sum([await jobs.runDue(addDays(opposed.purge_due_at!, -1))]).purged).not.toContain(
        record.key,
      );
      expect(sum([await jobs.runDue(opposed.purge_due_at!)]).purged).toContain(record.key);
      expect((await lifecycleOf(record)).status).toBe('purged');
    });

    it('the system opens a pending record once its six weeks are over, audited and notified', async () => {
      const record = await bed.newRecord();
      await bed.database.query(
        `UPDATE patient_record SET status = 'pending', opposition_until = now() + interval '42 days'
          WHERE patient_key = $1`,
        [record.key],
      );
      const { opposition_until: until } = await lifecycleOf(record);
      expect((await jobs.runDue(addDays(until!, -1))).activated).not.toContain(record.key);
      // The database keeps microseconds, a Date milliseconds.
      expect((await jobs.runDue(new Date(until!.getTime() + 1))).activated).toContain(record.key);
      expect((await lifecycleOf(record)).status).toBe('open');
      expect(await auditOf(record)).toEqual([
        { transaction: 'record-activate', reason: null, by: 'SYSTEM' },
      ]);
      expect(await lifecycleNotices(record)).toEqual([{ change: 'activate', status: 'open' }]);
    });
  });

  describe('closed, and closed with a deletion request', () => {
    it('$request-deletion: both doors refuse professionals; the patient reads it, withdraws, asks again; purged a week later', async () => {
      const { record, token } = await channel.loggedInPatient('deletion');
      await bed.provide(record, [{ title: 'Bilan' }]);
      await bed.expectRefused(
        await bed.operation('medecin-generaliste', record, '$request-deletion'),
        'PATIENT_ONLY',
        record,
      );
      expect((await patientOperation(token, record, 'request-deletion')).status).toBe(200);
      expect((await lifecycleOf(record)).status).toBe('deletion-requested');

      expect(refusalOf(await bed.search('medecin-generaliste', record))).toBe('RECORD_CLOSED');
      expect(xdsRefusal(await findByXds(record))).toMatchObject({
        status: 'Failure',
        reason: 'RECORD_CLOSED',
      });
      expect(xdsRefusal(await provideByXds(record))).toMatchObject({
        status: 'Failure',
        reason: 'RECORD_CLOSED',
      });
      expect((await patientSearch(token, record)).body.total).toBe(1);

      expect((await patientOperation(token, record, 'reopen')).status).toBe(200);
      expect((await bed.search('medecin-generaliste', record)).status).toBe(200);
      expect((await patientOperation(token, record, 'request-deletion')).status).toBe(200);
      expect(await lifecycleNotices(record)).toEqual([
        expect.objectContaining({ change: 'request-deletion', status: 'deletion-requested' }),
        { change: 'reopen', status: 'open' },
        expect.objectContaining({ change: 'request-deletion', status: 'deletion-requested' }),
      ]);

      const { purge_due_at: due } = await lifecycleOf(record);
      const pass = await jobs.runDue(due!);
      expect(pass.purged).toContainEqual({
        patientKey: record.key,
        cause: 'deletion-requested',
        documents: 1,
        dataKeyDestroyed: true,
      });
      expect(await auditOf(record)).toEqual([
        {
          transaction: 'record-purge',
          reason: 'deletion-requested; 1 documents deleted; data key destroyed',
          by: 'SYSTEM',
        },
      ]);
    });

    it('the patient reads his closed record for a year after its closure, then only reopens it', async () => {
      const { record, token } = await channel.loggedInPatient('read-year');
      await bed.provide(record, [{ title: 'Ordonnance' }]);
      const closing = await patientOperation(token, record, 'close', [
        { name: 'reason', valueString: 'je pars' },
      ]);
      expect(closing.status).toBe(200);
      const closed = await lifecycleOf(record);
      expect(addYears(closed.closed_at!, 10)).toEqual(closed.purge_due_at);
      expect((await patientSearch(token, record)).body.total).toBe(1);
      expect(xdsRefusal(await provideByXds(record))).toMatchObject({ reason: 'RECORD_CLOSED' });

      await bed.database.query(
        `UPDATE patient_record SET closed_at = now() - interval '13 months' WHERE patient_key = $1`,
        [record.key],
      );
      expect(refusalOf(await patientSearch(token, record))).toBe('PATIENT_READ_PERIOD_OVER');
      const history = await channel
        .fhir(token, 'GET', `/AuditEvent?patient=Patient/${record.resourceId}`)
        .then(fhirJson);
      expect(refusalOf(history)).toBe('PATIENT_READ_PERIOD_OVER');
      expect((await patientOperation(token, record, 'reopen')).status).toBe(200);
      expect((await patientSearch(token, record)).body.total).toBe(1);
    });
  });

  describe('suspended by the operator on a legal basis', () => {
    it('refuses everyone on both doors (RECORD_SUSPENDED), holds the purge, and lifts back to its status', async () => {
      const { record, token } = await channel.loggedInPatient('suspended');
      await bed.provide(record, [{ title: 'Compte rendu' }]);
      const oid = record.system.slice('urn:oid:'.length);
      expect(
        (
          await patientOperation(token, record, 'close', [
            { name: 'reason', valueString: 'fermeture' },
          ])
        ).status,
      ).toBe(200);

      const badBasis = passerelle(
        'record',
        'suspend',
        record.nir,
        '--oid',
        oid,
        '--basis',
        'caprice',
        '--reference',
        'x',
      );
      expect(badBasis.status).toBe(2);
      const remote = passerelle(
        'record',
        'suspend',
        record.nir,
        '--oid',
        oid,
        '--basis',
        'decision-judiciaire',
        '--reference',
        'x',
        ...overTheApi(),
      );
      expect(remote.status).toBe(2);
      expect(remote.stderr).toMatch(/operator's step, taken in the database/);
      const suspended = passerelle(
        'record',
        'suspend',
        record.nir,
        '--oid',
        oid,
        '--basis',
        'decision-judiciaire',
        '--reference',
        'TJ Paris 26/0042',
        '--json',
      );
      expect(suspended.stderr).toBe('');
      expect(JSON.parse(suspended.stdout)).toMatchObject({
        status: 'suspended',
        suspension: { basis: 'decision-judiciaire', reference: 'TJ Paris 26/0042' },
      });

      expect(refusalOf(await bed.search('medecin-generaliste', record))).toBe('RECORD_SUSPENDED');
      expect(xdsRefusal(await findByXds(record))).toMatchObject({
        status: 'Failure',
        reason: 'RECORD_SUSPENDED',
      });
      expect(xdsRefusal(await provideByXds(record))).toMatchObject({
        status: 'Failure',
        reason: 'RECORD_SUSPENDED',
      });
      expect(refusalOf(await patientSearch(token, record))).toBe('RECORD_SUSPENDED');
      expect(refusalOf(await patientOperation(token, record, 'reopen'))).toBe('RECORD_SUSPENDED');
      const status = await channel
        .fhir(token, 'GET', `/Patient/${record.resourceId}`)
        .then(fhirJson);
      expect(status.status).toBe(200);

      const { purge_due_at: due } = await lifecycleOf(record);
      expect(sum([await jobs.runDue(addDays(due!, 1))]).purged).not.toContain(record.key);
      expect((await lifecycleOf(record)).status).toBe('suspended');

      const lifted = passerelle('record', 'lift-suspension', record.nir, '--oid', oid, '--json');
      expect(JSON.parse(lifted.stdout)).toMatchObject({ status: 'closed' });
      expect(JSON.parse(lifted.stdout)).not.toHaveProperty('suspension');
      expect((await patientSearch(token, record)).body.total).toBe(1);
      expect(await auditOf(record)).toEqual([
        {
          transaction: 'record-suspend',
          reason: 'decision-judiciaire: TJ Paris 26/0042',
          by: 'OPERATOR',
        },
        { transaction: 'record-lift-suspension', reason: null, by: 'OPERATOR' },
      ]);
      expect((await lifecycleNotices(record)).map((notice) => notice.status)).toEqual([
        'closed',
        'suspended',
        'closed',
      ]);
      expect(passerelle('record', 'lift-suspension', record.nir, '--oid', oid).status).toBe(1);
    });
  });

  describe('the purge', () => {
    /** A closed record with a document through each door, its bytes marked. */
    async function closedRecordWithDocuments() {
      const { record, token } = await channel.loggedInPatient('purge');
      const marker = `resultats-${randomBytes(6).toString('hex')}`;
      const content = Buffer.from(`%PDF-1.4 ${marker} ${'y'.repeat(1000)}`);
      await bed.provide(record, [{ content, mimeType: 'application/pdf' }]);
      expect(statusOf((await provideByXds(record)).body)).toBe('Success');
      expect(
        (
          await patientOperation(token, record, 'close', [
            { name: 'reason', valueString: 'clôture' },
          ])
        ).status,
      ).toBe(200);
      return { record, token, marker };
    }

    async function contentsOf(client: Client, patientKey: string): Promise<StoredContent[]> {
      const { rows } = await client.query<StoredContent>(
        `SELECT patient_key, content_id, bytes, nonce, auth_tag FROM document_content
          WHERE patient_key = $1 ORDER BY content_id`,
        [patientKey],
      );
      return rows;
    }

    it('destroys the key and the rows; neither the raw tables nor a dump taken before can give the content back', async () => {
      const { record, token, marker } = await closedRecordWithDocuments();
      const control = await bed.newRecord();
      const kept = Buffer.from(`%PDF-1.4 control ${randomBytes(6).toString('hex')}`);
      const { binaryIds } = await bed.provide(control, [
        { content: kept, mimeType: 'application/pdf' },
      ]);

      // Before the purge: the rows copied aside, and the data backed up as documented.
      const copied = await contentsOf(bed.database, record.key);
      expect(copied).toHaveLength(2);
      const dumpDir = mkdtempSync(join(tmpdir(), 'passerelle-dump-'));
      const databaseUrl = process.env.PASSERELLE_TEST_DATABASE_URL!;
      const dump = join(dumpDir, 'data.dump');
      execFileSync('pg_dump', [
        '--format=custom',
        '--exclude-schema=passerelle_keys',
        `--file=${dump}`,
        databaseUrl,
      ]);

      const { purge_due_at: due } = await lifecycleOf(record);
      const pass = await jobs.runDue(due!);
      expect(pass.purged).toContainEqual({
        patientKey: record.key,
        cause: 'retention-over',
        documents: 2,
        dataKeyDestroyed: true,
      });

      // The raw tables: no row of the record, its key gone, no trace of the content.
      const remaining = await bed.database.query<{ table_name: string; n: number }>(
        `SELECT 'document_content' AS table_name, count(*)::int AS n FROM document_content WHERE patient_key = $1
         UNION ALL SELECT 'document_entry', count(*)::int FROM document_entry WHERE patient_key = $1
         UNION ALL SELECT 'document_locator', count(*)::int FROM document_locator WHERE patient_key = $1
         UNION ALL SELECT 'submission_set', count(*)::int FROM submission_set WHERE patient_key = $1
         UNION ALL SELECT 'access_authorisation', count(*)::int FROM access_authorisation WHERE patient_key = $1
         UNION ALL SELECT 'notification_outbox', count(*)::int FROM notification_outbox WHERE patient_key = $1
         UNION ALL SELECT 'patient_account', count(*)::int FROM patient_account WHERE patient_key = $1
         UNION ALL SELECT 'patient_data_key', count(*)::int FROM passerelle_keys.patient_data_key WHERE patient_key = $1`,
        [record.key],
      );
      expect(remaining.rows.filter((row) => row.n > 0)).toEqual([]);
      const leaked = await bed.database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM document_content WHERE position($1::bytea IN bytes) > 0`,
        [Buffer.from(marker)],
      );
      expect(leaked.rows[0].n).toBe(0);
      const tombstone = await lifecycleOf(record);
      expect(tombstone).toMatchObject({ status: 'purged', demographics: {}, phone: null });
      expect(tombstone.purged_at).toEqual(due);
      expect(await auditOf(record)).toEqual([
        {
          transaction: 'record-purge',
          reason: 'retention-over; 2 documents deleted; data key destroyed',
          by: 'SYSTEM',
        },
      ]);
      const { rows: everyAudit } = await bed.database.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE patient_key = $1`,
        [record.key],
      );
      expect(everyAudit[0]).toEqual({ n: 1 });

      // The rows copied aside open with no data key that still exists.
      const { rows: liveKeys } = await bed.database.query<{
        patient_key: string;
        wrapped_key: Buffer;
        kek_id: string;
      }>(`SELECT patient_key, wrapped_key, kek_id FROM passerelle_keys.patient_data_key`);
      const kek = FileKeyEncryptionService.open(testKekFile(), { create: false });
      const keys = await Promise.all(
        liveKeys.map((row) =>
          kek.unwrap({ keyId: row.kek_id, wrapped: row.wrapped_key }, row.patient_key),
        ),
      );
      for (const row of copied) {
        expect(row.bytes.includes(Buffer.from(marker))).toBe(false);
        for (const key of keys) {
          expect(() =>
            openContent(
              key,
              { patientKey: row.patient_key, contentId: row.content_id },
              {
                ciphertext: row.bytes,
                nonce: row.nonce,
                authTag: row.auth_tag,
              },
            ),
          ).toThrow();
        }
      }

      // The dump restored as documented (the data, then the key store as it is now).
      const restoredName = `passerelle_restored_${Date.now()}`;
      const admin = new Client({
        connectionString: process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${restoredName}`);
      const restoredUrl = new URL(databaseUrl);
      restoredUrl.pathname = `/${restoredName}`;
      let restored: Database | undefined;
      try {
        execFileSync('pg_restore', ['--no-owner', `--dbname=${restoredUrl.toString()}`, dump]);
        const keyStore = execFileSync('pg_dump', ['--schema=passerelle_keys', databaseUrl]);
        execFileSync('psql', ['--quiet', '--set=ON_ERROR_STOP=1', restoredUrl.toString()], {
          input: keyStore,
        });
        restored = await openDatabase({
          databaseUrl: restoredUrl.toString(),
          dataDir: '/nonexistent',
          poolSize: 1,
          keyEncryption: kek,
        });
        const sql = new Client({ connectionString: restoredUrl.toString() });
        await sql.connect();
        const restoredRows = await contentsOf(sql, record.key);
        await sql.end();
        expect(restoredRows.map((row) => row.bytes)).toEqual(copied.map((row) => row.bytes));
        const store = new PostgresRegistryStore(restored.dataSource, restored.dataKeys);
        for (const row of restoredRows) {
          expect(await store.read(record.key, row.content_id)).toBeUndefined();
        }
        const controlRead = await store.read(control.key, binaryIds[0]);
        expect(controlRead!.bytes.equals(kept)).toBe(true);
      } finally {
        await restored?.close();
        await admin.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
        await admin.end();
        rmSync(dumpDir, { recursive: true, force: true });
      }

      // And at the doors: no record, which is never opened again.
      expect((await bed.search('medecin-generaliste', record)).status).toBe(404);
      const reopened = await bed.call('medecin-generaliste', 'POST', '/Patient', {
        resourceType: 'Patient',
        identifier: [{ system: record.system, value: record.nir }],
      });
      expect(refusalOf(reopened)).toBe('RECORD_PURGED');
      expect(errorCodesOf((await provideByXds(record)).body)).toEqual(['XDSUnknownPatientId']);
      expect((await patientSearch(token, record)).status).toBeGreaterThanOrEqual(400);
    });

    it('two passes at once purge each due record once; a pass stopped after the key is finished by the next', async () => {
      const records: DmpRecord[] = [];
      for (let i = 0; i < 4; i += 1) records.push((await closedRecordWithDocuments()).record);
      const due = new Date(
        Math.max(
          ...(await Promise.all(records.map(lifecycleOf))).map((row) =>
            row.purge_due_at!.getTime(),
          ),
        ),
      );
      const [first, second] = [await openTestDatabase(2), await openTestDatabase(2)];
      try {
        const passes = await Promise.all([jobsOn(first).runDue(due), jobsOn(second).runDue(due)]);
        const purged = sum(passes).purged.filter((key) => records.some((r) => r.key === key));
        expect(purged.sort()).toEqual(records.map((r) => r.key).sort());
        for (const record of records) {
          expect(await auditOf(record)).toEqual([
            expect.objectContaining({ transaction: 'record-purge' }),
          ]);
        }
        expect(sum([await jobsOn(first).runDue(due)]).purged).toEqual([]);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }

      // A crash between the two transactions: the key is gone, the rows still there.
      const { record } = await closedRecordWithDocuments();
      await bed.database.query(`
        CREATE FUNCTION refuse_purge() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'node stopped'; END $$;
        CREATE TRIGGER refuse_purge BEFORE DELETE ON submission_set
          FOR EACH ROW EXECUTE FUNCTION refuse_purge();`);
      const { purge_due_at: recordDue } = await lifecycleOf(record);
      try {
        await expect(jobs.runDue(recordDue!)).rejects.toThrow(/node stopped/);
      } finally {
        await bed.database.query(
          `DROP TRIGGER refuse_purge ON submission_set; DROP FUNCTION refuse_purge()`,
        );
      }
      const halfWay = await lifecycleOf(record);
      expect(halfWay.status).toBe('closed');
      expect(halfWay.purge_started_at).toEqual(recordDue);
      expect(await contentsOf(bed.database, record.key)).toHaveLength(2);
      const { rows: key } = await bed.database.query(
        `SELECT 1 FROM passerelle_keys.patient_data_key WHERE patient_key = $1`,
        [record.key],
      );
      expect(key).toEqual([]);
      const store = new PostgresRegistryStore(node.dataSource, node.dataKeys);
      for (const row of await contentsOf(bed.database, record.key)) {
        expect(await store.read(record.key, row.content_id)).toBeUndefined();
      }

      const resumed = await jobs.runDue(recordDue!);
      expect(resumed.purged).toContainEqual({
        patientKey: record.key,
        cause: 'retention-over',
        documents: 2,
        dataKeyDestroyed: false,
      });
      expect((await lifecycleOf(record)).status).toBe('purged');
      expect(await contentsOf(bed.database, record.key)).toEqual([]);
    });
  });
});
