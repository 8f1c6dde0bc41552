import { createReadStream, statSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_BATCH_SIZE,
  ImportProgress,
  ImportSummary,
  Professional,
  ProfessionalDirectory,
  RejectedLine,
  RppsFormatError,
  importProfessionals,
  readRppsExtract,
} from '@passerelle/access-control';
import { CliError, invalidInput } from './cli-error';
import type { CliIo } from './cli-io';
import {
  describeProgress,
  formatImport,
  formatProfessional,
  formatSeeded,
} from './directory-output';
import type { ConnectPurpose } from './records-client';
import seedProfessionals from '../../../fixtures/directory/seed-professionals.json';

interface ImportOptions {
  readonly batchSize: number;
  readonly json?: boolean;
}

const SEED: readonly Professional[] = seedProfessionals;
/** Rejected lines printed one by one; beyond, only counted (a wrong file rejects them all). */
const REJECTED_SHOWN = 20;
const PROGRESS_INTERVAL_MS = 2000;

const DATABASE_HELP = `
The command works directly in the gateway's database, configured by the same environment as the
gateway: DATABASE_URL (PostgreSQL), else embedded PGlite in DATA_DIR (./data). PGlite allows a
single process: stop the gateway first, or use PostgreSQL.`;

const IMPORT_EXAMPLES = `${DATABASE_HELP}

The file is the Annuaire Santé extract "Extraction des personnes d'exercice"
(PS_LibreAcces_Personne_activite_<date>.txt, unzipped): UTF-8, "|"-separated, a header line of
column names. Each professional is replaced by what the file says; malformed lines are reported
on stderr with their line number and skipped. Progress goes to stderr.

Examples:
  $ passerelle directory import PS_LibreAcces_Personne_activite_202601010000.txt
  $ DATABASE_URL=postgres://passerelle@db/passerelle \\
      passerelle directory import extract.txt --json > import-report.json`;

const SEED_EXAMPLES = `${DATABASE_HELP}

Writes the test professionals of the development personas (Dr Jeanne MARTIN 810000000017,
Paul DURAND 810000000025, Claire PETIT 0759912345), an occupational physician (810000000033) and
a health-insurance médecin-conseil (810000000041). NOT FOR PRODUCTION.

Examples:
  $ passerelle directory seed
  $ passerelle directory seed --json`;

const SHOW_EXAMPLES = `${DATABASE_HELP}

An idNat absent from the directory is an error (exit 1).

Examples:
  $ passerelle directory show 810000000017
  $ passerelle directory show 0759912345 --json`;

export function registerDirectoryCommands(program: Command, io: CliIo): void {
  const directory = program
    .command('directory')
    .description('the professional directory: idNat_PS → profession, specialty, structures');
  directory
    .command('import')
    .description('import an RPPS extract (PS_LibreAcces_Personne_activite) into the directory')
    .argument('<rpps-extract-file>', 'the extract, unzipped')
    .option(
      '--batch-size <n>',
      'professionals written per statement',
      parseBatchSize,
      DEFAULT_BATCH_SIZE,
    )
    .option('--json', 'print a JSON summary for scripts')
    .addHelpText('after', IMPORT_EXAMPLES)
    .action((file: string, options: ImportOptions) => importExtract(file, options, io));
  directory
    .command('seed')
    .description('write the test professionals of the development personas (NOT FOR PRODUCTION)')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', SEED_EXAMPLES)
    .action((options: { json?: boolean }) => seed(options, io));
  directory
    .command('show')
    .description('show what the directory knows of a professional')
    .argument('<idNat>', 'national id: 8+RPPS, 0+ADELI, …')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', SHOW_EXAMPLES)
    .action((idNat: string, options: { json?: boolean }) => show(idNat, options, io));
}

function parseBatchSize(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return size;
}

async function importExtract(file: string, options: ImportOptions, io: CliIo): Promise<void> {
  checkReadable(file);
  const report = progressReport(io);
  const summary = await withDirectory({ createDatabase: true }, (directory) =>
    importProfessionals(
      directory,
      readRppsExtract(createReadStream(file), options.batchSize),
      report.onBatch,
    ).catch(rethrowAsInvalidInput),
  );
  report.finish(summary);
  io.out(formatImport(file, summary, report.firstRejected, options.json === true));
}

function checkReadable(file: string): void {
  try {
    if (statSync(file).isFile()) return;
  } catch (error) {
    throw invalidInput(`Cannot read ${file}: ${(error as Error).message}`);
  }
  throw invalidInput(`Not a file: ${file}`);
}

function rethrowAsInvalidInput(error: unknown): never {
  throw error instanceof RppsFormatError ? invalidInput(error.message) : error;
}

/** Rejected lines and, at most every couple of seconds, the progress of a long import. */
function progressReport(io: CliIo) {
  const firstRejected: RejectedLine[] = [];
  let lastReport: number | undefined;
  return {
    firstRejected,
    onBatch: (progress: ImportProgress): void => {
      for (const rejected of progress.batchRejected) {
        if (firstRejected.length >= REJECTED_SHOWN) break;
        firstRejected.push(rejected);
        io.err(`line ${rejected.line} rejected: ${rejected.reason}\n`);
      }
      const now = Date.now();
      lastReport ??= now;
      if (now - lastReport < PROGRESS_INTERVAL_MS) return;
      lastReport = now;
      io.err(`${describeProgress(progress)}...\n`);
    },
    finish: (summary: ImportSummary): void => {
      io.err(`${describeProgress(summary)}, done.\n`);
    },
  };
}

async function seed(options: { json?: boolean }, io: CliIo): Promise<void> {
  const written = await withDirectory({ createDatabase: true }, (directory) =>
    directory.upsert(SEED),
  );
  io.out(formatSeeded(written, SEED, options.json === true));
}

async function show(idNat: string, options: { json?: boolean }, io: CliIo): Promise<void> {
  const professional = await withDirectory({ createDatabase: false }, (directory) =>
    directory.find(idNat),
  );
  if (!professional) throw new CliError(`No professional ${idNat} in the directory`);
  io.out(formatProfessional(professional, options.json === true));
}

// Loaded on demand, so that other commands never load TypeORM.
async function withDirectory<T>(
  purpose: ConnectPurpose,
  work: (directory: ProfessionalDirectory) => Promise<T>,
): Promise<T> {
  const direct = await import('./direct-directory');
  return direct.withDirectory(purpose, work);
}
