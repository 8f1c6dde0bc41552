import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/** PGlite takes no lock of its own, and two processes on one directory corrupt it. */
export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly directory: string,
    readonly holderPid: number,
  ) {
    super(
      `The embedded database in ${directory} is in use by process ${holderPid}: PGlite serves ` +
        'one process only (stop it, or talk to that gateway over its API)',
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

/**
 * Takes `passerelle.lock` (holding our pid) in the directory; a lock left by a process that no
 * longer runs is taken over. Returns the release function.
 */
export function lockEmbeddedDatabase(directory: string): () => void {
  const path = join(directory, 'passerelle.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8'));
      if (isRunning(holder) && holder !== process.pid) {
        throw new EmbeddedDatabaseBusyError(directory, holder);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database in ${directory}`);
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
