import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@passerelle/platform';
import { CliError, EXIT, invalidInput } from '../cli-error';
import { CliIo, formatJson } from '../cli-io';
import { DEFAULT_CODE_SYSTEMS, parseCodeToken } from '../push/metadata-values';
import { isOid } from '../push/unique-ids';
import { importingStructure } from './import-identity';
import type { ImportReport } from './ndjson-import';
import { syntheticImportLines } from './synthetic-import';

interface ImportOptions {
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
  readonly sourceId?: string;
  readonly contentType?: string;
  readonly batch: number;
  readonly atomic?: boolean;
  readonly json?: boolean;
  readonly generate?: number;
  readonly patients: number;
}

/** Lines a transaction by default: large enough for throughput, small enough for memory. */
const DEFAULT_BATCH = 1000;

const IMPORT_HELP = `
Each line of the file is one FHIR R4 DocumentReference (MHD Comprehensive, PDSm), as ITI-65
accepts it, subject = the patient's INS, its content inline (content[0].attachment.data, base64)
or in a file named by content[0].attachment.url, relative to the NDJSON file. Each is checked as
ITI-65 checks it (the structure's access to the record, metadata, national value sets, hash and
size) and stored, audited and notified as ITI-65 stores it, in the database the gateway uses
(DATABASE_URL, else PGlite in DATA_DIR). A refused line is reported (line, code, message) and
nothing of it is stored; a uniqueId already registered with the same content is left as it is.

By default each batch of --batch lines is stored one transaction per record; with --atomic
nothing is stored unless every line is accepted (the whole file is then read into memory).

Examples:
  $ passerelle import --generate 1000 --patients 3 > documents.ndjson
  $ passerelle import documents.ndjson --source-id 1.2.250.1.999.7 --content-type 07 \\
      --cert data/pki/hopital-org.pem --key data/pki/hopital-org-key.pem --ca data/pki/ca.pem

Exit status: 0 every line imported or already there, 2 some line refused, 1 failure.`;

export function registerImportCommand(program: Command, io: CliIo): void {
  program
    .command('import')
    .description('bulk import of an NDJSON file of MHD DocumentReferences, as one structure')
    .argument('[file]', 'the NDJSON file (one DocumentReference a line)')
    .option('--cert <file>', "the feeding structure's ORG certificate (PEM)")
    .option('--key <file>', 'its private key (PEM)')
    .option('--ca <file>', 'the CA that issued it (PEM)')
    .option('--source-id <oid>', "the migrated registry's OID (SubmissionSet.sourceId)")
    .option('--content-type <code>', 'SubmissionSet contentTypeCode (TRE_R209), e.g. 07')
    .option('--batch <n>', 'lines a transaction', positiveInteger('--batch'), DEFAULT_BATCH)
    .option('--atomic', 'store nothing unless every line is accepted')
    .option('--json', 'print the report as JSON')
    .option(
      '--generate <n>',
      'write n synthetic lines to stdout instead',
      positiveInteger('--generate'),
    )
    .option(
      '--patients <n>',
      'with --generate: patients they are spread over',
      positiveInteger('--patients'),
      1,
    )
    .addHelpText('after', IMPORT_HELP)
    .action(async (file: string | undefined, options: ImportOptions) => {
      if (options.generate !== undefined) {
        for (const line of syntheticImportLines(options.generate, options.patients)) io.out(line);
        return;
      }
      const report = await runImport(file, options);
      io.out(options.json ? formatJson(report) : formatReport(report));
      if (report.refused.length > 0) {
        throw new CliError(`${report.refused.length} line(s) refused`, EXIT.INVALID);
      }
    });
}

async function runImport(file: string | undefined, options: ImportOptions): Promise<ImportReport> {
  if (!file) throw invalidInput('import needs the NDJSON file (or --generate)');
  if (!options.cert || !options.key || !options.ca) {
    throw invalidInput('import acts as a structure: give its --cert, --key and --ca');
  }
  if (!options.sourceId || !isOid(options.sourceId)) {
    throw invalidInput('--source-id must be an OID, e.g. 1.2.250.1.999.7');
  }
  if (!options.contentType) throw invalidInput('--content-type is required (TRE_R209 code)');
  const actor = importingStructure({ cert: options.cert, key: options.key, ca: options.ca });
  const contentTypeCode = parseCodeToken(options.contentType, DEFAULT_CODE_SYSTEMS.contentTypeCode);
  const { openBulkImport } = await import('./direct-bulk-import');
  const { importFile } = await import('./ndjson-import');
  const { bulkImport, database } = await openBulkImport(loadConfig(process.env));
  try {
    return await importFile(file, actor, bulkImport, {
      sourceId: options.sourceId,
      contentTypeCode,
      batchSize: options.batch,
      atomic: options.atomic ?? false,
    });
  } finally {
    await database.close();
  }
}

function formatReport(report: ImportReport): string {
  const refused = report.refused.map((e) => `line ${e.line}: ${e.code}: ${e.message}\n`).join('');
  const notStored = report.notStored > 0 ? `, ${report.notStored} not stored (--atomic)` : '';
  return `${refused}${report.lines} lines: ${report.imported} imported, ${report.unchanged} already present, ${report.refused.length} refused${notStored}\n`;
}

function positiveInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${flag} must be a positive integer`);
    return n;
  };
}
