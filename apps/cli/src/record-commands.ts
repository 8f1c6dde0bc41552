import { Command, Option } from 'commander';
import { SUSPENSION_BASES, SuspensionBasis } from '@passerelle/domain';
import type { Demographics, OperatorStep } from '@passerelle/record-management';
import type { CliIo } from './cli-io';
import { DEFAULT_INS_OID, GENDERS, parseBirthDate, parsePatientId } from './patient-arguments';
import { formatOpened, formatStatus } from './record-output';
import { ConnectionOptions, withRecords } from './records-client';

interface RecordOptions extends ConnectionOptions {
  readonly oid: string;
  readonly json?: boolean;
}

type OpenOptions = RecordOptions & Demographics & { readonly byDefault?: boolean };

interface CloseOptions extends RecordOptions {
  readonly reason: string;
}

interface SuspendOptions extends RecordOptions {
  readonly basis: SuspensionBasis;
  readonly reference: string;
}

const CONNECTION_HELP = `
Without --server the command works directly in the gateway's database, configured by the same
environment as the gateway: DATABASE_URL (PostgreSQL), else embedded PGlite in DATA_DIR (./data).
PGlite allows a single process: while the gateway runs on that DATA_DIR, use --server.`;

const OPEN_EXAMPLES = `${CONNECTION_HELP}

Examples:
  $ passerelle record open 277069912345674 --oid 1.2.250.1.213.1.4.10 \\
      --family DUPONT --given Marie --birth-date 1977-06-15 --gender female
  $ DATABASE_URL=postgres://passerelle@db/passerelle passerelle record open 277069912345674
  $ passerelle record open 277069912345674 --server https://localhost:8443 \\
      --cert data/pki/medecin-generaliste.pem --key data/pki/medecin-generaliste-key.pem \\
      --ca data/pki/ca.pem

Opening is idempotent: an existing record is left unchanged (exit 0, "created": false).
--by-default opens it as Mon espace santé does for every insured person (in the database only):
pending, fed and consulted as an open record; the patient is sent the notice and may oppose
($oppose) for six weeks, after which it opens by itself.`;

const STATUS_EXAMPLES = `${CONNECTION_HELP}

Examples:
  $ passerelle record status 277069912345674
  $ passerelle record status 277069912345674 --oid 1.2.250.1.213.1.4.10 --json
  $ passerelle record status 277069912345674 --server https://localhost:8443 \\
      --cert data/pki/medecin-generaliste.pem --key data/pki/medecin-generaliste-key.pem \\
      --ca data/pki/ca.pem

A missing record is not an error: it prints "No record ..." ({"status": "none"} with --json)
and exits 0.`;

const CLOSE_EXAMPLES = `${CONNECTION_HELP}
Closing and reopening are the patient's decisions: through the gateway (--server) no
certificate may make them (the gateway answers 403, PATIENT_ONLY); an operator records them in
the database (without --server), for instance on the patient's written request.

Examples:
  $ passerelle record close 277069912345674 --reason "Décès du patient"
  $ passerelle record reopen 277069912345674 --json

A record that does not exist prints "No record ..." ({"status": "none"} with --json), exit 0.`;

const SUSPEND_EXAMPLES = `
Suspension is the operator's, in the database only (no --server): nobody — professional or
patient — reads or writes the record, and no time-based step (opening, purge) runs on it, until
the suspension is lifted, which returns it to the status it had. The legal basis is one of
${SUSPENSION_BASES.join(', ')}; the reference names the decision. Both are kept in the audit
trail; the patient is told the record is suspended, not why.

Examples:
  $ passerelle record suspend 277069912345674 --basis decision-judiciaire \
      --reference "TJ Paris, ordonnance 24/01234"
  $ passerelle record lift-suspension 277069912345674 --json
`;

export function registerRecordCommands(program: Command, io: CliIo): void {
  const record = program
    .command('record')
    .description("open, close, reopen or suspend a patient's shared record, or show its status");
  const open = withInsArgument(record.command('open'))
    .description("open the patient's record, identified by INS (does nothing if it exists)")
    .option('--family <name>', 'family name')
    .option('--given <names>', 'given name(s)')
    .option('--birth-date <date>', 'birth date, YYYY-MM-DD', parseBirthDate)
    .addOption(new Option('--gender <gender>', 'administrative gender').choices(GENDERS))
    .option('--by-default', 'opened by default (Mon espace santé): pending, opposable six weeks');
  withConnectionOptions(open)
    .addHelpText('after', OPEN_EXAMPLES)
    .action((ins: string, options: OpenOptions) => openRecord(ins, options, io));
  withConnectionOptions(withInsArgument(record.command('status')))
    .description("show whether the patient's record exists, is open or closed")
    .addHelpText('after', STATUS_EXAMPLES)
    .action((ins: string, options: RecordOptions) => showStatus(ins, options, io));
  withConnectionOptions(withInsArgument(record.command('close')))
    .description("close the patient's record: no new documents, no professional access")
    .requiredOption('--reason <text>', 'why the record is closed (kept with the record)')
    .addHelpText('after', CLOSE_EXAMPLES)
    .action((ins: string, options: CloseOptions) =>
      step(ins, options, { kind: 'close', reason: options.reason }, io),
    );
  withConnectionOptions(withInsArgument(record.command('reopen')))
    .description('reopen a closed record: its documents are there again')
    .addHelpText('after', CLOSE_EXAMPLES)
    .action((ins: string, options: RecordOptions) => step(ins, options, { kind: 'reopen' }, io));
  withConnectionOptions(withInsArgument(record.command('suspend')))
    .description('suspend the record on a legal basis: no access, no time-based step')
    .addOption(
      new Option('--basis <basis>', 'the legal basis')
        .choices(SUSPENSION_BASES)
        .makeOptionMandatory(),
    )
    .requiredOption('--reference <text>', "the decision's reference (kept in the audit trail)")
    .addHelpText('after', SUSPEND_EXAMPLES)
    .action((ins: string, options: SuspendOptions) =>
      step(
        ins,
        options,
        { kind: 'suspend', basis: options.basis, reference: options.reference },
        io,
      ),
    );
  withConnectionOptions(withInsArgument(record.command('lift-suspension')))
    .description('lift a suspension: the record returns to the status it had')
    .addHelpText('after', SUSPEND_EXAMPLES)
    .action((ins: string, options: RecordOptions) =>
      step(ins, options, { kind: 'lift-suspension' }, io),
    );
}

function withInsArgument(command: Command): Command {
  return command
    .argument('<ins>', 'INS matricule: NIR or NIA, 15 characters including its key')
    .option(
      '--oid <oid>',
      'INS authority: .8 NIR, .9 NIA, .10 NIR test, .11 NIR demo',
      DEFAULT_INS_OID,
    );
}

function withConnectionOptions(command: Command): Command {
  return command
    .option('--server <url>', "work through the gateway's FHIR API, e.g. https://localhost:8443")
    .option('--cert <file>', 'client certificate (PEM) presented to the gateway, with --server')
    .option('--key <file>', 'private key (PEM) of the client certificate, with --server')
    .option('--ca <file>', "CA certificate (PEM) that issued the gateway's certificate")
    .option('--json', 'print JSON for scripts');
}

async function openRecord(ins: string, options: OpenOptions, io: CliIo): Promise<void> {
  const patientId = parsePatientId(ins, options.oid);
  const outcome = await withRecords(options, { createDatabase: true }, (records) =>
    records.open(patientId, demographicsOf(options), options.byDefault === true),
  );
  io.out(formatOpened(outcome, options.json === true));
}

async function showStatus(ins: string, options: RecordOptions, io: CliIo): Promise<void> {
  const patientId = parsePatientId(ins, options.oid);
  const view = await withRecords(options, { createDatabase: false }, (records) =>
    records.status(patientId),
  );
  io.out(formatStatus(view, patientId, options.json === true));
}

async function step(
  ins: string,
  options: RecordOptions,
  operatorStep: OperatorStep,
  io: CliIo,
): Promise<void> {
  const patientId = parsePatientId(ins, options.oid);
  const view = await withRecords(options, { createDatabase: false }, (records) =>
    records.step(patientId, operatorStep),
  );
  io.out(formatStatus(view, patientId, options.json === true));
}

function demographicsOf(options: OpenOptions): Demographics {
  const { family, given, birthDate, gender } = options;
  return Object.fromEntries(
    Object.entries({ family, given, birthDate, gender }).filter(([, value]) => value),
  );
}
