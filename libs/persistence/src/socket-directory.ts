import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SOCKET = '.s.PGSQL.5432';
/** Unix socket paths are limited to 107 bytes on Linux, 103 on macOS. */
const MAX_SOCKET_PATH = 100;

/**
 * The private directory of the embedded database's socket, the same for a data directory at
 * every start: `DATA_DIR/pglite-socket`, or, when that path is too long for a socket, one named
 * after the data directory in the temporary directory. A process that died without removing it
 * (kill -9, a crash) leaves it behind for the next start to reuse, instead of one more temp
 * directory per crash; the data directory's lock makes it this process's alone. One that is not
 * ours (another user's, a link) is left alone for a fresh one.
 */
export function privateSocketDirectory(dataDirectory: string): string {
  const beside = join(dataDirectory, 'pglite-socket');
  const name = createHash('sha256').update(dataDirectory).digest('hex').slice(0, 16);
  const path =
    join(beside, SOCKET).length <= MAX_SOCKET_PATH
      ? beside
      : join(tmpdir(), `passerelle-pg-${name}`);
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const found = lstatSync(path);
  const ours =
    found.isDirectory() && found.uid === process.getuid?.() && (found.mode & 0o777) === 0o700;
  if (!ours) return mkdtempSync(join(tmpdir(), 'passerelle-pg-'));
  rmSync(join(path, SOCKET), { force: true });
  rmSync(join(path, `${SOCKET}.lock`), { force: true });
  return path;
}
