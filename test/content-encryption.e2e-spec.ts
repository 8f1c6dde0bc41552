import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileKeyEncryptionService,
  PostgresRegistryStore,
  openDatabase,
} from '@passerelle/persistence';
import { passerelle } from './support/cli';
import { DmpRecord, DmpTestBed } from './support/dmp-test-bed';
import { openTestDatabase, testKekFile } from './support/test-database';

interface ContentRow {
  content_id: string;
  bytes: Buffer;
  nonce: Buffer;
  auth_tag: Buffer;
  hash_sha1: string;
  size: string;
}

interface KeyRow {
  patient_key: string;
  wrapped_key: Buffer;
  kek_id: string;
}

/**
 * Document content at rest: AES-256-GCM under each patient's data key, the data keys wrapped by
 * the KEK of KEK_FILE; retrieval byte-identical (the other suites prove it on both doors).
 */
describe('document content encrypted at rest (MHD door, mutual TLS, PostgreSQL)', () => {
  let bed: DmpTestBed;

  beforeAll(async () => {
    bed = await DmpTestBed.start();
  });

  afterAll(() => bed.close());

  async function contentRows(record: DmpRecord): Promise<ContentRow[]> {
    const { rows } = await bed.database.query<ContentRow>(
      `SELECT content_id, bytes, nonce, auth_tag, hash_sha1, size FROM document_content
        WHERE patient_key = $1`,
      [record.key],
    );
    return rows;
  }

  async function keyRow(record: DmpRecord): Promise<KeyRow | undefined> {
    const { rows } = await bed.database.query<KeyRow>(
      `SELECT patient_key, wrapped_key, kek_id FROM passerelle_keys.patient_data_key
        WHERE patient_key = $1`,
      [record.key],
    );
    return rows[0];
  }

  async function retrieve(contentId: string): Promise<{ status: number; bytes: Buffer }> {
    const response = await fetch(`${bed.gateway.fhirUrl}/Binary/${contentId}`, {
      dispatcher: bed.agent('medecin-generaliste'),
    } as unknown as RequestInit);
    return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  /** A document whose bytes carry a marker that must never be found at rest. */
  async function documentIn(record: DmpRecord) {
    const marker = `compte-rendu-${randomBytes(8).toString('hex')}`;
    const content = Buffer.from(`%PDF-1.4 ${marker} ${'x'.repeat(2000)}`);
    const { binaryIds } = await bed.provide(record, [{ content, mimeType: 'application/pdf' }]);
    return { marker, content, contentId: binaryIds[0] };
  }

  const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

  it('stores only ciphertext, with the plaintext’s SHA-1 and size; ITI-68 returns the bytes', async () => {
    const record = await bed.newRecord();
    const { marker, content, contentId } = await documentIn(record);

    const [row] = await contentRows(record);
    expect(row.bytes.includes(Buffer.from(marker))).toBe(false);
    expect(row.bytes.length).toBe(content.length);
    expect(row.nonce.length).toBe(12);
    expect(row.auth_tag.length).toBe(16);
    expect({ hash: row.hash_sha1, size: Number(row.size) }).toEqual({
      hash: sha1(content),
      size: content.length,
    });
    const key = await keyRow(record);
    expect(key!.wrapped_key.length).toBe(12 + 32 + 16);
    expect(key!.kek_id).toBe(
      FileKeyEncryptionService.open(testKekFile(), { create: false }).currentKeyId(),
    );

    const read = await retrieve(contentId);
    expect(read.status).toBe(200);
    expect(read.bytes.equals(content)).toBe(true);
  });

  it('gives each patient his own key and a fresh nonce to every content', async () => {
    const [first, second] = [await bed.newRecord(), await bed.newRecord()];
    await documentIn(first);
    await documentIn(first);
    await documentIn(second);
    const rows = await contentRows(first);
    expect(rows[0].nonce.equals(rows[1].nonce)).toBe(false);
    expect((await keyRow(first))!.wrapped_key.equals((await keyRow(second))!.wrapped_key)).toBe(
      false,
    );
  });

  it('opens a ciphertext as its own content only: copied over another, it is refused (500)', async () => {
    const [victim, other] = [await bed.newRecord(), await bed.newRecord()];
    const fromOther = await documentIn(other);
    const own = await documentIn(victim);
    const target = await documentIn(victim);
    const rowOf = async (record: DmpRecord, contentId: string) =>
      (await contentRows(record)).find((row) => row.content_id === contentId)!;
    for (const [record, source] of [
      [other, fromOther],
      [victim, own],
    ] as const) {
      const row = await rowOf(record, source.contentId);
      await bed.database.query(
        `UPDATE document_content SET bytes = $3, nonce = $4, auth_tag = $5
          WHERE patient_key = $1 AND content_id = $2`,
        [victim.key, target.contentId, row.bytes, row.nonce, row.auth_tag],
      );
      const read = await retrieve(target.contentId);
      expect(read.status).toBe(500);
      expect(read.bytes.includes(Buffer.from(source.marker))).toBe(false);
    }
    // Written ahead with the bytes as a consultation, the record then takes the door's verdict.
    const { rows } = await bed.database.query<{ outcome: string; http_status: number }>(
      `SELECT outcome, http_status FROM audit_event
        WHERE patient_key = $1 AND transaction = 'ITI-68'`,
      [victim.key],
    );
    expect(rows).toEqual([
      { outcome: 'failed', http_status: 500 },
      { outcome: 'failed', http_status: 500 },
    ]);
  });

  it('two nodes creating a patient’s first key at once agree on one', async () => {
    const record = await bed.newRecord();
    const [nodeA, nodeB] = [await openTestDatabase(), await openTestDatabase()];
    try {
      const [keyA, keyB] = await Promise.all([
        nodeA.dataKeys.forWriting(nodeA.dataSource, record.key),
        nodeB.dataKeys.forWriting(nodeB.dataSource, record.key),
      ]);
      expect(keyA!.equals(keyB!)).toBe(true);
      expect(await nodeA.dataKeys.forWriting(nodeA.dataSource, 'no-such-record')).toBeUndefined();
    } finally {
      await Promise.all([nodeA.close(), nodeB.close()]);
    }
  });

  it('refuses to start with a key file that lacks the KEKs the database’s keys are wrapped by', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passerelle-other-kek-'));
    try {
      const opening = openDatabase({
        databaseUrl: process.env.PASSERELLE_TEST_DATABASE_URL,
        dataDir: '/nonexistent',
        poolSize: 1,
        keyEncryption: FileKeyEncryptionService.open(join(dir, 'kek.json'), { create: true }),
      });
      await expect(opening).rejects.toThrow(/not in the key file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passerelle keys rotate: every data key rewrapped by a new KEK, which the running gateway uses', async () => {
    const before = await bed.newRecord();
    const document = await documentIn(before);

    const rotated = passerelle('keys', 'rotate', '--json');
    expect(rotated.stderr).toBe('');
    expect(rotated.status).toBe(0);
    const { added, rewrapped, keys } = JSON.parse(rotated.stdout) as {
      added: string;
      rewrapped: number;
      keys: { kekId: string; dataKeys: number }[];
    };
    expect(rewrapped).toBeGreaterThan(0);
    expect(keys[0]).toEqual({ kekId: added, dataKeys: expect.any(Number) as number });
    expect(keys.slice(1).every(({ dataKeys }) => dataKeys === 0)).toBe(true);
    const { rows } = await bed.database.query<{ kek_id: string }>(
      `SELECT DISTINCT kek_id FROM passerelle_keys.patient_data_key`,
    );
    expect(rows).toEqual([{ kek_id: added }]);

    // A node with nothing in its cache unwraps the rewrapped key.
    const node = await openTestDatabase();
    try {
      const store = new PostgresRegistryStore(node.dataSource, node.dataKeys);
      const read = await store.read(before.key, document.contentId);
      expect(read!.bytes.equals(document.content)).toBe(true);
    } finally {
      await node.close();
    }
    expect((await retrieve(document.contentId)).bytes.equals(document.content)).toBe(true);

    const after = await bed.newRecord();
    const fresh = await documentIn(after);
    expect((await keyRow(after))!.kek_id).toBe(added);
    expect((await retrieve(fresh.contentId)).bytes.equals(fresh.content)).toBe(true);

    const again = passerelle('keys', 'rotate', '--rewrap-only', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ added: null, rewrapped: 0 });
    const status = passerelle('keys', 'status');
    expect(status.stdout).toContain(`${added}: `);
    expect(status.stdout).toContain('(newest: wraps new data keys)');
  });
});
