import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateSocketDirectory } from './socket-directory';

describe('the embedded database socket directory', () => {
  let dataDirectory: string;

  beforeEach(() => {
    dataDirectory = mkdtempSync(join(tmpdir(), 'passerelle-socket-spec-'));
  });

  afterEach(() => rmSync(dataDirectory, { recursive: true, force: true }));

  it('is the same private directory in DATA_DIR at every start: a crash leaves nothing in /tmp', () => {
    const first = privateSocketDirectory(dataDirectory);
    expect(first).toBe(join(dataDirectory, 'pglite-socket'));
    writeFileSync(join(first, '.s.PGSQL.5432'), 'a socket left by a killed process');
    const again = privateSocketDirectory(dataDirectory);
    expect(again).toBe(first);
    expect(statSync(again).mode & 0o777).toBe(0o700);
    expect(existsSync(join(again, '.s.PGSQL.5432'))).toBe(false);
  });

  it('is one fixed temp directory per data directory whose path is too long for a socket', () => {
    const deep = join(dataDirectory, 'a'.repeat(100));
    const first = privateSocketDirectory(deep);
    try {
      expect(first.startsWith(tmpdir())).toBe(true);
      expect(privateSocketDirectory(deep)).toBe(first);
    } finally {
      rmSync(first, { recursive: true, force: true });
    }
  });

  it('leaves a link planted at its place alone and takes a fresh directory', () => {
    const elsewhere = join(dataDirectory, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(dataDirectory, 'pglite-socket'));
    const taken = privateSocketDirectory(dataDirectory);
    try {
      expect(taken).not.toBe(join(dataDirectory, 'pglite-socket'));
      expect(statSync(taken).isDirectory()).toBe(true);
    } finally {
      rmSync(taken, { recursive: true, force: true });
    }
  });
});
