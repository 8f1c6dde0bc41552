import { createReadStream, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { BulkImport, ImportLine, ImportedLine } from '@passerelle/document-repository';
import { Coded, DomainError, Principal } from '@passerelle/domain';
import { importDraftFrom } from '@passerelle/mhd';
import { freshSubmissionSetUniqueId } from '../push/unique-ids';

/** A line that could not be imported: where, the protocol code (as ITI-65 would answer) and why. */
export interface LineError {
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

export interface ImportReport {
  readonly lines: number;
  readonly imported: number;
  readonly unchanged: number;
  /** Lines accepted but not stored, the import being atomic and another line refused. */
  readonly notStored: number;
  readonly refused: readonly LineError[];
}

export interface ImportSettings {
  readonly sourceId: string;
  readonly contentTypeCode: Coded;
  /** Lines a transaction (per record); with `atomic`, the whole file is one batch. */
  readonly batchSize: number;
  readonly atomic: boolean;
}

/** A line read from the file: translated into a submission, or refused as it is. */
export type ParsedLine = { readonly ok: true; readonly line: ImportLine } | LineFailure;
type LineFailure = { readonly ok: false; readonly error: LineError };

/**
 * An NDJSON line → the ITI-65 submission it stands for (see README, Bulk import): JSON, then the
 * MHD translation; content named by `attachment.url` is read relative to `baseDir`, never
 * outside it.
 */
export function parseImportLine(
  text: string,
  line: number,
  baseDir: string,
  settings: Pick<ImportSettings, 'sourceId' | 'contentTypeCode'>,
): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return failure(line, new DomainError('MALFORMED_REQUEST', `Not JSON: ${messageOf(error)}`));
  }
  try {
    const draft = importDraftFrom(value, (path) => readWithin(baseDir, path), {
      uniqueId: freshSubmissionSetUniqueId(),
      sourceId: settings.sourceId,
      contentTypeCode: settings.contentTypeCode,
      submissionTime: new Date(),
    });
    return { ok: true, line: { line, draft } };
  } catch (error) {
    if (error instanceof DomainError) return failure(line, error);
    throw error;
  }
}

/** Imports an NDJSON file through the use case, batch by batch; lines refused are reported. */
export async function importFile(
  path: string,
  actor: Principal,
  bulkImport: BulkImport,
  settings: ImportSettings,
): Promise<ImportReport> {
  const baseDir = dirname(resolve(path));
  const counts = { lines: 0, imported: 0, unchanged: 0, notStored: 0 };
  const refused: LineError[] = [];
  let batch: ImportLine[] = [];
  let earlyRefusals = 0;
  // One batch stored at a time, while the next is read: a batch is checked against what the
  // ones before it stored (a uniqueId repeated across batches is found already present).
  const store = async (lines: ImportLine[]) => {
    const outcomes = await bulkImport.execute(actor, {
      lines,
      atomic: settings.atomic,
      refusedElsewhere: earlyRefusals > 0,
    });
    for (const outcome of outcomes) count(outcome, counts, refused);
  };
  const hand = (lines: ImportLine[]) => {
    const storing = store(lines);
    // Its failure is thrown where it is awaited, when the next batch is handed or at the end.
    storing.catch(() => undefined);
    return storing;
  };
  const input = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let number = 0;
  let previous: Promise<void> = Promise.resolve();
  for await (const text of input) {
    number++;
    if (text.trim() === '') continue;
    counts.lines++;
    const parsed = parseImportLine(text, number, baseDir, settings);
    if (!parsed.ok) {
      refused.push(parsed.error);
      earlyRefusals++;
      continue;
    }
    batch.push(parsed.line);
    if (!settings.atomic && batch.length >= settings.batchSize) {
      await previous;
      previous = hand(batch);
      batch = [];
    }
  }
  await previous;
  if (batch.length > 0) await hand(batch);
  refused.sort((a, b) => a.line - b.line);
  return { ...counts, refused };
}

function count(
  outcome: ImportedLine,
  counts: { imported: number; unchanged: number; notStored: number },
  refused: LineError[],
): void {
  switch (outcome.status) {
    case 'imported':
      counts.imported++;
      return;
    case 'unchanged':
      counts.unchanged++;
      return;
    case 'not-stored':
      counts.notStored++;
      return;
    case 'refused':
      refused.push(lineError(outcome.line, outcome.error));
  }
}

function failure(line: number, error: DomainError): LineFailure {
  return { ok: false, error: lineError(line, error) };
}

function lineError(line: number, error: DomainError): LineError {
  const message = error.details
    .map((detail) => (detail.location ? `${detail.location}: ${detail.message}` : detail.message))
    .join('; ');
  return { line, code: error.catalogue.xdsCode, message };
}

/** A file under `baseDir`: a path leading out of it is refused, as is one that cannot be read. */
function readWithin(baseDir: string, path: string): Buffer {
  const target = resolve(baseDir, path);
  const inside = relative(baseDir, target);
  if (inside.startsWith('..') || resolve(baseDir, inside) !== target) {
    throw new Error("the path leads outside the NDJSON file's directory");
  }
  return readFileSync(target);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
