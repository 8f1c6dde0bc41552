import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateSocketDirectory } from './socket-directory';

describe('the embedded database socket directory', () => {
  const dataDirectory = join(tmpdir(), `passerelle-socket-spec-${process.pid}`, 'pglite');
  const created: string[] = [];
  const directoryFor = (data: string) => {
    const path = privateSocketDirectory(data);
    created.push(path);
    return path;
  };

  afterEach(() => {
    for (const path of created.splice(0)) rmSync(path, { recursive: true, force: true });
  });

  it('is the same private directory at every start, so a crash leaves none to pile up', () => {
    const first = directoryFor(dataDirectory);
    writeFileSync(join(first, '.s.PGSQL.5432'), 'a socket left by a killed process');
    const again = directoryFor(dataDirectory);
    expect(again).toBe(first);
    expect(statSync(again).mode & 0o777).toBe(0o700);
    expect(existsSync(join(again, '.s.PGSQL.5432'))).toBe(false);
    expect(directoryFor(`${dataDirectory}-other`)).not.toBe(first);
  });

  it('leaves a link planted at its place alone and takes a fresh directory', () => {
    const expected = directoryFor(dataDirectory);
    rmSync(expected, { recursive: true });
    const elsewhere = mkdtempSync(join(tmpdir(), 'passerelle-socket-spec-target-'));
    created.push(elsewhere);
    symlinkSync(elsewhere, expected);
    const taken = directoryFor(dataDirectory);
    expect(taken).not.toBe(expected);
    expect(statSync(taken).isDirectory()).toBe(true);
  });
});
