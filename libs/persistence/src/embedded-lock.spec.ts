import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabaseBusyError, lockEmbeddedDatabase } from './embedded-lock';

describe('embedded database lock', () => {
  let directory: string;

  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'passerelle-lock-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('is taken, then released', () => {
    const release = lockEmbeddedDatabase(directory);
    expect(existsSync(join(directory, 'passerelle.lock'))).toBe(true);
    release();
    expect(existsSync(join(directory, 'passerelle.lock'))).toBe(false);
  });

  it('refuses a directory held by a running process', () => {
    writeFileSync(join(directory, 'passerelle.lock'), String(process.ppid));
    expect(() => lockEmbeddedDatabase(directory)).toThrow(EmbeddedDatabaseBusyError);
  });

  it('takes over a lock left by a process that has ended', () => {
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(directory, 'passerelle.lock'), ended.stdout.toString());
    const release = lockEmbeddedDatabase(directory);
    release();
  });
});
