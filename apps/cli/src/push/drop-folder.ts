import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { invalidInput } from '../cli-error';
import { METADATA_FILE_SUFFIX } from './prepare-document';

export const PROCESSING_FOLDER = '.processing';
export const DONE_FOLDER = 'done';
export const FAILED_FOLDER = 'failed';
export const JOURNAL_FILE = '.passerelle-journal.jsonl';
const ERROR_REPORT_SUFFIX = '.error.json';

/** Files still being written by their producer: skipped until renamed. */
const IN_PROGRESS = /^\.|\.(part|tmp)$/i;

/** A document taken from the drop folder: moved to .processing/ until it is done or failed. */
export interface ClaimedDocument {
  readonly name: string;
  readonly path: string;
  /** Its metadata file, moved along with it. */
  readonly sidecar: string;
  /** Found in .processing/ at start: a previous run stopped while sending it. */
  readonly resumed: boolean;
}

export type JournalEvent = Record<string, unknown> & {
  readonly event: string;
  readonly file: string;
};

/**
 * A folder a lab or hospital system drops documents into. Each state is a folder (the inbox,
 * .processing/, done/, failed/) and each step a rename within one file system, which is
 * atomic: a stop at any moment leaves every document in exactly one place. A document found in
 * .processing/ is sent again; its uniqueId makes that harmless (the gateway answers it is
 * already registered). The journal records every outcome, for the operator.
 */
export class DropFolder {
  /** Documents this run has claimed or taken back: not resumed when met again. */
  private readonly known = new Set<string>();

  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<DropFolder> {
    if (!existsSync(dir) || !(await stat(dir)).isDirectory()) {
      throw invalidInput(`Not a folder: ${dir}`);
    }
    for (const folder of [PROCESSING_FOLDER, DONE_FOLDER, FAILED_FOLDER]) {
      await mkdir(join(dir, folder), { recursive: true });
    }
    return new DropFolder(dir);
  }

  /** Documents in .processing/: left by a previous run, or waiting for the gateway. */
  async inFlight(): Promise<ClaimedDocument[]> {
    const processing = join(this.dir, PROCESSING_FOLDER);
    return (await documentNames(processing)).map((name) => {
      const resumed = !this.known.has(name);
      this.known.add(name);
      return claimed(processing, name, resumed);
    });
  }

  /** Moves the documents that have not changed for `settleMs` into .processing/. */
  async claimReady(settleMs: number, now = Date.now()): Promise<ClaimedDocument[]> {
    const processing = join(this.dir, PROCESSING_FOLDER);
    const claimedDocuments: ClaimedDocument[] = [];
    for (const name of await documentNames(this.dir)) {
      const source = join(this.dir, name);
      if (!(await settled([source, `${source}${METADATA_FILE_SUFFIX}`], settleMs, now))) continue;
      if (existsSync(join(processing, name))) continue;
      await moveIfPresent(
        `${source}${METADATA_FILE_SUFFIX}`,
        join(processing, `${name}${METADATA_FILE_SUFFIX}`),
      );
      await rename(source, join(processing, name));
      this.known.add(name);
      claimedDocuments.push(claimed(processing, name, false));
      await this.record({ event: 'claimed', file: name });
    }
    return claimedDocuments;
  }

  /** Moves a sent document (and its metadata file) to done/; returns where it went. */
  async markDone(document: ClaimedDocument, details: Record<string, unknown>): Promise<string> {
    const target = await this.moveOut(document, DONE_FOLDER);
    await this.record({ event: 'sent', file: document.name, movedTo: target, ...details });
    return target;
  }

  /** Writes the error report next to the document in failed/; returns the report's path. */
  async markFailed(document: ClaimedDocument, report: Record<string, unknown>): Promise<string> {
    const failed = join(this.dir, FAILED_FOLDER);
    const name = availableName(failed, document.name);
    const reportPath = join(failed, `${name}${ERROR_REPORT_SUFFIX}`);
    await writeFile(reportPath, `${JSON.stringify({ file: document.name, ...report }, null, 2)}\n`);
    await this.moveOut(document, FAILED_FOLDER, name);
    await this.record({
      event: 'failed',
      file: document.name,
      report: reportPath,
      error: report.error,
    });
    return reportPath;
  }

  async record(event: JournalEvent): Promise<void> {
    const line = JSON.stringify({ at: new Date().toISOString(), ...event });
    await appendFile(join(this.dir, JOURNAL_FILE), `${line}\n`);
  }

  private async moveOut(
    document: ClaimedDocument,
    folder: string,
    name = availableName(join(this.dir, folder), document.name),
  ): Promise<string> {
    const target = join(this.dir, folder, name);
    await moveIfPresent(document.sidecar, `${target}${METADATA_FILE_SUFFIX}`);
    await rename(document.path, target);
    this.known.delete(document.name);
    return target;
  }
}

function claimed(folder: string, name: string, resumed: boolean): ClaimedDocument {
  const path = join(folder, name);
  return { name, path, sidecar: `${path}${METADATA_FILE_SUFFIX}`, resumed };
}

/** Regular files that are documents: not metadata files, not files still being written. */
async function documentNames(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .filter((name) => !IN_PROGRESS.test(name) && !name.endsWith(METADATA_FILE_SUFFIX))
    .sort();
}

async function settled(paths: readonly string[], settleMs: number, now: number): Promise<boolean> {
  if (settleMs <= 0) return true;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    if (now - (await stat(path)).mtimeMs < settleMs) return false;
  }
  return true;
}

async function moveIfPresent(from: string, to: string): Promise<void> {
  if (existsSync(from)) await rename(from, to);
}

/** The name itself, else `stem-2.ext`, `stem-3.ext`…: done/ and failed/ never overwrite. */
function availableName(folder: string, name: string): string {
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  let candidate = name;
  for (let index = 2; existsSync(join(folder, candidate)); index += 1) {
    candidate = `${stem}-${index}${extension}`;
  }
  return candidate;
}
