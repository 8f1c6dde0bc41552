import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SOCKET = '.s.PGSQL.5432';

/**
 * A short private directory for the socket (Unix socket paths are limited to about 100
 * characters), the same for a data directory at every start: a process that died without
 * removing it (kill -9, a crash) leaves one behind, which the next start reuses. The data
 * directory's lock makes it this process's alone. One not ours (another user's, a link) is
 * left alone for a fresh one.
 */
export function privateSocketDirectory(dataDirectory: string): string {
  const name = createHash('sha256').update(dataDirectory).digest('hex').slice(0, 16);
  const path = join(tmpdir(), `passerelle-pg-${name}`);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const found = lstatSync(path);
  const ours =
    found.isDirectory() && found.uid === process.getuid?.() && (found.mode & 0o777) === 0o700;
  if (!ours) return mkdtempSync(join(tmpdir(), 'passerelle-pg-'));
  rmSync(join(path, SOCKET), { force: true });
  rmSync(join(path, `${SOCKET}.lock`), { force: true });
  return path;
}
