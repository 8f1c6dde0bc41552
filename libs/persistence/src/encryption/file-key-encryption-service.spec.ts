import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileKeyEncryptionService } from './file-key-encryption-service';

describe('the key-encryption keys of KEK_FILE', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-kek-'));
    file = join(dir, 'keys', 'kek.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates the file, readable by its owner only, when asked to', () => {
    expect(() => FileKeyEncryptionService.open(file, { create: false })).toThrow(/No key/);
    const service = FileKeyEncryptionService.open(file, { create: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    expect(service.keyIds()).toEqual([service.currentKeyId()]);
    const reopened = FileKeyEncryptionService.open(file, { create: true });
    expect(reopened.currentKeyId()).toBe(service.currentKeyId());
  });

  it('unwraps a data key for the patient it was wrapped for only', async () => {
    const service = FileKeyEncryptionService.open(file, { create: true });
    const dataKey = randomBytes(32);
    const wrapped = await service.wrap(dataKey, 'patient-a');
    expect(wrapped.keyId).toBe(service.currentKeyId());
    expect(wrapped.wrapped.includes(dataKey)).toBe(false);
    expect((await service.unwrap(wrapped, 'patient-a')).equals(dataKey)).toBe(true);
    await expect(service.unwrap(wrapped, 'patient-b')).rejects.toThrow();
    const forged = { ...wrapped, wrapped: Buffer.from(wrapped.wrapped) };
    forged.wrapped[20] ^= 1;
    await expect(service.unwrap(forged, 'patient-a')).rejects.toThrow();
  });

  it('rotates: new wraps use the newest KEK, older wraps still unwrap, other nodes follow', async () => {
    const node = FileKeyEncryptionService.open(file, { create: true });
    const otherNode = FileKeyEncryptionService.open(file, { create: false });
    const dataKey = randomBytes(32);
    const before = await node.wrap(dataKey, 'p');
    const added = FileKeyEncryptionService.addKey(file);
    expect(added).not.toBe(before.keyId);
    const after = await node.wrap(dataKey, 'p');
    expect(after.keyId).toBe(added);
    expect(node.keyIds()).toEqual([before.keyId, added]);
    expect((await otherNode.unwrap(after, 'p')).equals(dataKey)).toBe(true);
    expect((await otherNode.unwrap(before, 'p')).equals(dataKey)).toBe(true);
    expect(otherNode.currentKeyId()).toBe(added);
  });

  it('names the KEK it lacks', async () => {
    const service = FileKeyEncryptionService.open(file, { create: true });
    const wrapped = await service.wrap(randomBytes(32), 'p');
    const elsewhere = FileKeyEncryptionService.open(join(dir, 'other.json'), { create: true });
    await expect(elsewhere.unwrap(wrapped, 'p')).rejects.toThrow(wrapped.keyId);
  });

  it.each([
    ['not JSON', 'nope'],
    ['no key', '{"keys": []}'],
    ['a short key', JSON.stringify({ keys: [{ id: 'a', createdAt: '', key: 'AAAA' }] })],
    [
      'two keys with one id',
      JSON.stringify({
        keys: [0, 1].map(() => ({
          id: 'a',
          createdAt: '',
          key: randomBytes(32).toString('base64'),
        })),
      }),
    ],
  ])('refuses a file with %s', (_name, text) => {
    writeFileSync(join(dir, 'bad.json'), text);
    expect(() => FileKeyEncryptionService.open(join(dir, 'bad.json'), { create: false })).toThrow();
  });

  it('keeps the keys in the documented shape', () => {
    FileKeyEncryptionService.open(file, { create: true });
    const { keys } = JSON.parse(readFileSync(file, 'utf8')) as {
      keys: { id: string; createdAt: string; key: string }[];
    };
    expect(keys).toHaveLength(1);
    expect(keys[0].id).toMatch(/^kek-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    expect(Buffer.from(keys[0].key, 'base64')).toHaveLength(32);
  });
});
