import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyEncryptionService, WrappedKey } from './key-encryption-service';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

interface KekFile {
  readonly keys: readonly {
    readonly id: string;
    readonly createdAt: string;
    readonly key: string;
  }[];
}

/**
 * The key-encryption keys in a JSON file (`KEK_FILE`, mode 600): `{"keys": [{"id", "createdAt",
 * "key" (32 bytes, base64)}]}`, the newest last. Every node reads the same file; it is read again
 * when it changes (before a wrap) or names a KEK this process has not seen (before an unwrap), so
 * a rotation made by `passerelle keys rotate` reaches running nodes without a restart.
 */
export class FileKeyEncryptionService implements KeyEncryptionService {
  private keys = new Map<string, Buffer>();
  private newest = '';
  private loaded = '';

  private constructor(readonly path: string) {
    this.load();
  }

  /** Reads the file; when `create` and it does not exist, generates it with one KEK. */
  static open(path: string, { create }: { create: boolean }): FileKeyEncryptionService {
    if (!existsSync(path)) {
      if (!create) throw new Error(`No key-encryption key file at ${path}`);
      writeKekFile(path, { keys: [newKek(new Date())] });
    }
    return new FileKeyEncryptionService(path);
  }

  /** Adds a new KEK to the file, which new wraps use from then on; returns its id. */
  static addKey(path: string, now = new Date()): string {
    const kek = newKek(now);
    writeKekFile(path, { keys: [...readKekFile(path).keys, kek] });
    return kek.id;
  }

  currentKeyId(): string {
    this.reloadIfChanged();
    return this.newest;
  }

  keyIds(): readonly string[] {
    this.reloadIfChanged();
    return [...this.keys.keys()];
  }

  wrap(dataKey: Buffer, context: string): Promise<WrappedKey> {
    return new Promise((resolve) => resolve(this.wrapNow(dataKey, context)));
  }

  unwrap(wrapped: WrappedKey, context: string): Promise<Buffer> {
    return new Promise((resolve) => resolve(this.unwrapNow(wrapped, context)));
  }

  private wrapNow(dataKey: Buffer, context: string): WrappedKey {
    const keyId = this.currentKeyId();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(keyId)!, nonce);
    cipher.setAAD(wrappingContext(keyId, context));
    const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { keyId, wrapped: Buffer.concat([nonce, sealed, cipher.getAuthTag()]) };
  }

  private unwrapNow({ keyId, wrapped }: WrappedKey, context: string): Buffer {
    if (!this.keys.has(keyId)) this.load();
    const kek = this.keys.get(keyId);
    if (!kek) throw new Error(`The key-encryption key ${keyId} is not in ${this.path}`);
    const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, NONCE_BYTES));
    decipher.setAAD(wrappingContext(keyId, context));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    const sealed = wrapped.subarray(NONCE_BYTES, wrapped.length - TAG_BYTES);
    return Buffer.concat([decipher.update(sealed), decipher.final()]);
  }

  private reloadIfChanged(): void {
    if (fileVersion(this.path) !== this.loaded) this.load();
  }

  private load(): void {
    this.loaded = fileVersion(this.path);
    const { keys } = readKekFile(this.path);
    this.keys = new Map(keys.map(({ id, key }) => [id, Buffer.from(key, 'base64')]));
    this.newest = keys[keys.length - 1].id;
  }
}

/** Changes when the file is rewritten (a new file is renamed over it). */
function fileVersion(path: string): string {
  const { ino, size, mtimeMs } = statSync(path);
  return `${ino}:${size}:${mtimeMs}`;
}

/** A wrapped key unwraps only for the patient and under the KEK it was wrapped for. */
function wrappingContext(keyId: string, context: string): Buffer {
  return Buffer.from(JSON.stringify(['passerelle:patient-data-key:v1', keyId, context]));
}

function newKek(now: Date): KekFile['keys'][number] {
  const stamp = now.toISOString().replace(/[-:]|\.\d+/g, '');
  return {
    id: `kek-${stamp}-${randomBytes(4).toString('hex')}`,
    createdAt: now.toISOString(),
    key: randomBytes(KEY_BYTES).toString('base64'),
  };
}

function readKekFile(path: string): KekFile {
  let parsed: { keys?: unknown };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as { keys?: unknown };
  } catch (error) {
    throw new Error(`Cannot read the key-encryption key file ${path}: ${String(error)}`);
  }
  const keys: unknown[] = Array.isArray(parsed?.keys) ? (parsed.keys as unknown[]) : [];
  const valid = keys.length > 0 && keys.every(isKek);
  if (!valid || new Set(keys.map((kek) => kek.id)).size !== keys.length) {
    throw new Error(
      `${path} must hold {"keys": [{"id", "createdAt", "key"}]}: unique ids, 32-byte base64 keys`,
    );
  }
  return { keys };
}

function isKek(value: unknown): value is KekFile['keys'][number] {
  const { id, key } = (value ?? {}) as { id?: unknown; key?: unknown };
  return (
    typeof id === 'string' &&
    id !== '' &&
    typeof key === 'string' &&
    Buffer.from(key, 'base64').length === KEY_BYTES
  );
}

function writeKekFile(path: string, file: KekFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, path);
}
