import { Command, Option } from 'commander';
import type { CodeableConcept, DocumentReference } from 'fhir/r4';
import type { CliIo } from '../cli-io';
import { formatJson } from '../cli-io';
import { DEFAULT_INS_OID, parsePatientId } from '../patient-arguments';
import { connectMhd } from './mhd-client';
import { parseInstant } from './metadata-values';
import { GatewayOptions, gatewayTargetOf, withGatewayOptions } from './push-options';
import { invalidInput } from '../cli-error';

interface QueryOptions extends GatewayOptions {
  readonly oid: string;
  readonly type?: string;
  readonly class?: string;
  readonly status: string;
  readonly since?: string;
  readonly until?: string;
}

const PAGE_SIZE = '100';

const QUERY_HELP = `
Finds the patient's documents (MHD ITI-67) as the certificate's holder may see them: an
establishment's system (ORG certificate) may feed a record but not consult it, so query with a
professional's certificate. Download a document with "passerelle get <id>".

Examples:
  $ passerelle query 277069912345674 --oid 1.2.250.1.213.1.4.10 --server https://localhost:8443 \\
      --cert data/pki/medecin-generaliste.pem --key data/pki/medecin-generaliste-key.pem \\
      --ca data/pki/ca.pem
  $ passerelle query 277069912345674 --type 11502-2 --since 2024-01-01 --json …`;

export function registerQueryCommand(program: Command, io: CliIo): void {
  withGatewayOptions(program.command('query'))
    .description("find a patient's documents (MHD ITI-67)")
    .argument('<ins>', 'INS matricule: NIR or NIA, 15 characters including its key')
    .option(
      '--oid <oid>',
      'INS authority: .8 NIR, .9 NIA, .10 NIR test, .11 NIR demo',
      DEFAULT_INS_OID,
    )
    .option('--type <code>', 'typeCode (LOINC), or system|code')
    .option('--class <code>', 'classCode (TRE_A03)')
    .addOption(
      new Option('--status <status>', 'availability')
        .choices(['current', 'superseded', 'entered-in-error', 'any'])
        .default('current'),
    )
    .option('--since <date>', 'submitted on or after this date (YYYY-MM-DD)')
    .option('--until <date>', 'submitted on or before this date (YYYY-MM-DD)')
    .addHelpText('after', QUERY_HELP)
    .action((ins: string, options: QueryOptions) => query(ins, options, io));
}

async function query(ins: string, options: QueryOptions, io: CliIo): Promise<void> {
  const patientId = parsePatientId(ins, options.oid);
  const searchParams = {
    'patient.identifier': `${patientId.fhirSystem}|${patientId.value}`,
    ...(options.status === 'any' ? {} : { status: options.status }),
    ...(options.type ? { type: options.type } : {}),
    ...(options.class ? { category: options.class } : {}),
    ...dateParameter(options),
    _count: PAGE_SIZE,
  };
  const client = await connectMhd(gatewayTargetOf(options));
  try {
    const documents = (await client.findDocuments(searchParams)).map(documentSummary);
    io.out(options.json ? formatJson(documents) : formatDocuments(documents, patientId.value));
  } finally {
    await client.close();
  }
}

function dateParameter(options: QueryOptions): { date?: string[] } {
  const bounds = [
    ...(options.since ? [`ge${checkedDate('--since', options.since)}`] : []),
    ...(options.until ? [`le${checkedDate('--until', options.until)}`] : []),
  ];
  return bounds.length ? { date: bounds } : {};
}

function checkedDate(flag: string, value: string): string {
  try {
    parseInstant(value);
    return value;
  } catch (error) {
    throw invalidInput(`${flag}: ${(error as Error).message}`);
  }
}

export interface DocumentSummary {
  readonly id?: string;
  readonly uniqueId?: string;
  readonly status: string;
  readonly title?: string;
  readonly typeCode?: string;
  readonly classCode?: string;
  readonly formatCode?: string;
  readonly mimeType?: string;
  readonly size?: number;
  readonly creationTime?: string;
  readonly submissionTime?: string;
  readonly serviceStartTime?: string;
  readonly url?: string;
}

export function documentSummary(document: DocumentReference): DocumentSummary {
  const attachment = document.content[0]?.attachment;
  return {
    id: document.id,
    uniqueId: document.masterIdentifier?.value?.replace(/^urn:oid:/, ''),
    status: document.status,
    title: attachment?.title,
    typeCode: codeOf(document.type),
    classCode: codeOf(document.category?.[0]),
    formatCode: document.content[0]?.format?.code,
    mimeType: attachment?.contentType,
    size: attachment?.size,
    creationTime: attachment?.creation,
    submissionTime: document.date,
    serviceStartTime: document.context?.period?.start,
    url: attachment?.url,
  };
}

function codeOf(concept: CodeableConcept | undefined): string | undefined {
  const coding = concept?.coding?.[0];
  return coding?.code && (coding.display ? `${coding.code} ${coding.display}` : coding.code);
}

function formatDocuments(documents: readonly DocumentSummary[], ins: string): string {
  if (documents.length === 0) return `No documents found for ${ins}.\n`;
  const lines = documents.map((document) =>
    [
      document.id,
      document.creationTime?.slice(0, 10),
      document.typeCode,
      document.title,
      document.status === 'current' ? undefined : `(${document.status})`,
    ]
      .filter(Boolean)
      .join('  '),
  );
  return `${documents.length} documents for ${ins}:\n${lines.map((line) => `  ${line}\n`).join('')}`;
}
