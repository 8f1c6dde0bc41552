import {
  DocumentContent,
  DocumentEntry,
  PatientId,
  Submission,
  newEntryUuid,
} from '@passerelle/domain';
import {
  Database,
  PostgresAccessStateStore,
  PostgresAuditStore,
  PostgresRegistryStore,
} from '@passerelle/persistence';
import { DocumentAlreadyRegistered } from '@passerelle/registry';
import { freshOid, freshPatient } from '@passerelle/testing';
import { openTestDatabase } from './support/test-database';

const coded = (code: string) => ({ code, codeSystem: '1.2.3' });

function patientId(): PatientId {
  const { system, nir } = freshPatient();
  return PatientId.fromFhirIdentifier(system, nir);
}

/** A submission and the bytes of its documents. */
type Stored = Submission & { readonly contents: readonly DocumentContent[] };

function submissionFor(patientId: PatientId, replaced: string[] = []): Stored {
  const patientKey = patientId.key;
  const setUuid = newEntryUuid();
  const entryUuid = newEntryUuid();
  const submissionTime = new Date();
  const entry: DocumentEntry = {
    entryUuid,
    logicalId: entryUuid,
    version: 1,
    uniqueId: freshOid(),
    patientKey,
    status: 'Approved',
    classCode: coded('11'),
    typeCode: coded('11488-4'),
    formatCode: coded('f'),
    confidentialityCodes: [coded('N')],
    eventCodes: [],
    healthcareFacilityTypeCode: coded('SA01'),
    practiceSettingCode: coded('ETABLISSEMENT'),
    creationTime: submissionTime,
    languageCode: 'fr-FR',
    mimeType: 'text/plain',
    hashSha1: 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d',
    size: 5,
    repositoryUniqueId: '1.2.3',
    authors: [],
    sourcePatientId: patientKey,
    referenceIds: [],
    contentId: entryUuid.slice(9),
    submissionSetUuid: setUuid,
    submissionTime,
  };
  return {
    patientKey,
    submissionSet: {
      entryUuid: setUuid,
      uniqueId: freshOid(),
      patientKey,
      sourceId: '1.2.3',
      submissionTime,
      contentTypeCode: coded('04'),
      authors: [],
      intendedRecipients: [],
      status: 'Approved',
    },
    documents: [entry],
    folders: [],
    associations: [],
    senderEntryUuids: [entryUuid],
    updatedFolderUuids: [],
    contents: [
      {
        contentId: entry.contentId!,
        patientKey,
        mimeType: 'text/plain',
        bytes: Buffer.from('hello'),
        hashSha1: entry.hashSha1,
        hashSha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
        size: 5,
      },
    ],
    replacedEntryUuids: replaced,
  };
}

describe('the submission store on PostgreSQL: one statement, whole or nothing', () => {
  let database: Database;
  let store: PostgresRegistryStore;

  beforeAll(async () => {
    database = await openTestDatabase(2);
    store = new PostgresRegistryStore(database.dataSource, database.dataKeys);
  });

  afterAll(() => database.close());

  /** The registry's rows and the content store's bytes in one write unit, as the use cases do. */
  async function storeSubmission({ contents, ...submission }: Stored): Promise<void> {
    const unit = store.begin(submission.patientKey);
    for (const content of contents) store.put(unit, content);
    store.stageSubmission(unit, submission);
    await store.commit(unit);
  }

  async function countOf(table: string, patientKey: string): Promise<number> {
    const [row]: { n: string }[] = await database.dataSource.query(
      `SELECT count(*) AS n FROM ${table} WHERE patient_key = $1`,
      [patientKey],
    );
    return Number(row.n);
  }

  async function openRecord(patientId: PatientId, status: 'open' | 'closed' = 'open') {
    await store.openIfAbsent({
      patientKey: patientId.key,
      insValue: patientId.value,
      insOid: patientId.oid,
      status,
      openedAt: new Date(),
      openedBy: 'test',
    });
  }

  it('stores every row of a submission', async () => {
    const patient = patientId();
    await openRecord(patient);
    await storeSubmission(submissionFor(patient));
    for (const table of ['submission_set', 'document_entry', 'document_content', 'association']) {
      expect(await countOf(table, patient.key)).toBe(table === 'association' ? 0 : 1);
    }
  });

  it.each([
    ['no record', undefined, 'UNKNOWN_PATIENT'],
    ['a closed record', 'closed' as const, 'RECORD_CLOSED'],
  ])('refuses a submission into %s and stores nothing', async (_name, status, code) => {
    const patient = patientId();
    if (status) await openRecord(patient, status);
    await expect(storeSubmission(submissionFor(patient))).rejects.toMatchObject({ code });
    expect(await countOf('submission_set', patient.key)).toBe(0);
    expect(await countOf('document_content', patient.key)).toBe(0);
  });

  it('refuses to replace a document that is no longer current, and rolls the deprecation back', async () => {
    const patient = patientId();
    await openRecord(patient);
    const original = submissionFor(patient);
    await storeSubmission(original);
    const current = original.documents[0].entryUuid;
    await expect(
      storeSubmission(submissionFor(patient, [current, newEntryUuid()])),
    ).rejects.toMatchObject({ code: 'REPLACED_NOT_FOUND' });
    const [row]: { status: string }[] = await database.dataSource.query(
      'SELECT status FROM document_entry WHERE patient_key = $1 AND entry_uuid = $2',
      [patient.key, current],
    );
    expect(row.status).toBe('Approved');
    expect(await countOf('document_entry', patient.key)).toBe(1);

    await storeSubmission(submissionFor(patient, [current]));
    const [replaced]: { status: string }[] = await database.dataSource.query(
      'SELECT status FROM document_entry WHERE patient_key = $1 AND entry_uuid = $2',
      [patient.key, current],
    );
    expect(replaced.status).toBe('Deprecated');
  });

  it('reports a document uniqueId already registered, storing nothing', async () => {
    const patient = patientId();
    await openRecord(patient);
    const first = submissionFor(patient);
    await storeSubmission(first);
    const second = submissionFor(patient);
    const clash = { ...second.documents[0], uniqueId: first.documents[0].uniqueId };
    await expect(storeSubmission({ ...second, documents: [clash] })).rejects.toBeInstanceOf(
      DocumentAlreadyRegistered,
    );
    expect(await countOf('submission_set', patient.key)).toBe(1);
  });

  it('refuses an entryUUID already used in another record, storing nothing', async () => {
    const [patient, other] = [patientId(), patientId()];
    await openRecord(patient);
    await openRecord(other);
    const first = submissionFor(patient);
    await storeSubmission(first);
    const reused = submissionFor(other);
    const clash = { ...reused.documents[0], entryUuid: first.documents[0].entryUuid };
    await expect(
      storeSubmission({
        ...reused,
        documents: [clash],
        senderEntryUuids: [clash.entryUuid],
        updatedFolderUuids: [],
      }),
    ).rejects.toMatchObject({ code: 'DUPLICATE_ENTRY_UUID' });
    expect(await countOf('document_entry', other.key)).toBe(0);
    expect(await countOf('document_content', other.key)).toBe(0);
  });

  it('refuses a submission set uniqueId already registered (XDSDuplicateUniqueIdInRegistry)', async () => {
    const patient = patientId();
    await openRecord(patient);
    const first = submissionFor(patient);
    await storeSubmission(first);
    const again = submissionFor(patient);
    await expect(
      storeSubmission({
        ...again,
        submissionSet: { ...again.submissionSet, uniqueId: first.submissionSet.uniqueId },
      }),
    ).rejects.toMatchObject({ code: 'DUPLICATE_UNIQUE_ID' });
    expect(await countOf('document_entry', patient.key)).toBe(1);
  });
});

describe('the pool prepares the statements that recur, on every connection', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(1);
  });

  afterAll(() => database.close());

  async function prepared(): Promise<string[]> {
    const rows: { statement: string }[] = await database.dataSource.query(
      'SELECT statement FROM pg_prepared_statements WHERE NOT from_sql',
    );
    return rows.map((row) => row.statement);
  }

  it('names a parameterised statement from its second use, and answers as before', async () => {
    const text = `SELECT $1::int + 1 AS n /* recurring ${newEntryUuid()} */`;
    const answers = [];
    for (const value of [1, 2, 3]) answers.push(await database.dataSource.query(text, [value]));
    expect(answers).toEqual([[{ n: 2 }], [{ n: 3 }], [{ n: 4 }]]);
    expect((await prepared()).filter((statement) => statement === text)).toHaveLength(1);
  });

  it('leaves a one-off, and a statement without parameters, unnamed', async () => {
    const once = `SELECT $1::int AS n /* once ${newEntryUuid()} */`;
    await database.dataSource.query(once, [1]);
    const plain = `SELECT 1 AS n /* plain ${newEntryUuid()} */`;
    await database.dataSource.query(plain);
    await database.dataSource.query(plain);
    const statements = await prepared();
    expect(statements).not.toContain(once);
    expect(statements).not.toContain(plain);
  });

  it('keeps a failing prepared statement from poisoning the connection', async () => {
    const text = `SELECT 1 / $1::int AS n /* division ${newEntryUuid()} */`;
    await database.dataSource.query(text, [1]);
    await expect(database.dataSource.query(text, [0])).rejects.toThrow(/division by zero/);
    await expect(database.dataSource.query(text, [2])).resolves.toEqual([{ n: 0 }]);
  });
});

describe('the access states of several records, read in one query', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(2);
  });

  afterAll(() => database.close());

  it('are, in order, what each record read alone says', async () => {
    const registry = new PostgresRegistryStore(database.dataSource, database.dataKeys);
    const states = new PostgresAccessStateStore(database.dataSource);
    const [open, authorised, blocked, forbidden] = [0, 1, 2, 3].map(() => patientId().key);
    for (const patientKey of [open, authorised, blocked, forbidden]) {
      await registry.openIfAbsent({
        patientKey,
        insValue: patientKey,
        insOid: '1.2.250.1.213.1.4.8',
        status: 'open',
        openedAt: new Date(),
        openedBy: 'test',
      });
    }
    const subjectId = '810000000017';
    const structure = '1750000042';
    const declare = (patientKey: string, subject: string, state: 'valid' | 'forbidden') =>
      states.declareAuthorisation({
        patientKey,
        subjectId: subject,
        subjectKind: subject === structure ? 'STRUCTURE' : 'PS',
        state,
        expressConsent: true,
        declaredBy: 'test',
      });
    await declare(authorised, structure, 'valid');
    await declare(forbidden, subjectId, 'forbidden');
    await states.setBlocked({
      patientKey: blocked,
      subjectId: structure,
      subjectKind: 'STRUCTURE',
      blocked: true,
      declaredBy: 'test',
    });
    const unknown = 'no-such-record';
    const keys = [authorised, unknown, open, blocked, forbidden, authorised];
    for (const structures of [
      { actingFor: [structure], confirmed: [structure] },
      { actingFor: [structure], confirmed: [] },
      { actingFor: [], confirmed: [] },
    ]) {
      const alone = [];
      for (const key of keys) alone.push(await states.load(key, subjectId, structures));
      expect(await states.loadEach(keys, subjectId, structures)).toEqual(alone);
    }
    expect(await states.loadEach([], subjectId, { actingFor: [], confirmed: [] })).toEqual([]);
    const [first] = await states.loadEach([authorised], subjectId, {
      actingFor: [structure],
      confirmed: [structure],
    });
    expect(first.authorisation).toBe('valid');
  });
});

describe('the outbox on PostgreSQL, behind a backlog of new-document notices', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(1);
  });

  afterAll(() => database.close());

  it('gives the other notifications first, then the notices oldest first, each claimed once', async () => {
    const outbox = new PostgresAuditStore(database.dataSource);
    const patientKey = patientId().key;
    const at = (second: number) => new Date(Date.UTC(2020, 0, 1, 0, 0, second));
    const enqueue = (id: string, kind: 'new-document' | 'emergency-access', second: number) =>
      outbox.enqueue({ id, patientKey, kind, payload: {}, createdAt: at(second), recipient: 'x' });
    for (let second = 0; second < 5; second++)
      await enqueue(`doc-${second}`, 'new-document', second);
    await enqueue('emergency', 'emergency-access', 10);
    const now = new Date();
    const ours = (claimed: { patientKey: string; id: string }[]) =>
      claimed.filter((n) => n.patientKey === patientKey).map((n) => n.id);
    // The run's database is shared: other tests' pending notifications are claimed too.
    const claimed: string[] = [];
    for (let pass = 0; pass < 1000 && claimed.length < 6; pass++) {
      claimed.push(...ours(await outbox.claimDue(3, now)));
    }
    expect(claimed).toEqual(['emergency', 'doc-0', 'doc-1', 'doc-2', 'doc-3', 'doc-4']);
    expect(ours(await outbox.claimDue(10, now))).toEqual([]);
  });
});
