import { Command, CommanderError } from 'commander';
import { EXIT, describeFailure } from './cli-error';
import type { CliIo } from './cli-io';
import { registerDirectoryCommands } from './directory-commands';
import { registerInsCommands } from './ins-commands';
import { registerImportCommand } from './import/import-command';
import { registerKeyCommands } from './key-commands';
import { packageVersion } from './package-version';
import { registerPkiCommands } from './pki-commands';
import { registerDocumentCommands } from './push/document-commands';
import { registerRecordCommands } from './record-commands';

const PROGRAM_HELP = `
Examples:
  $ passerelle record open 277069912345674 --oid 1.2.250.1.213.1.4.10
  $ passerelle record status 277069912345674 --json
  $ passerelle pki dev --host gateway.test
  $ passerelle ins key 2770699123456
  $ passerelle keys rotate
  $ passerelle directory import PS_LibreAcces_Personne_activite_202601010000.txt
  $ passerelle directory show 810000000017
  $ passerelle push CR-BIO.xml --source-id 1.2.250.1.999.7 --server https://localhost:8443 \
      --cert data/pki/laboratoire-org.pem --key data/pki/laboratoire-org-key.pem --ca data/pki/ca.pem
  $ passerelle watch /var/spool/reports --source-id 1.2.250.1.999.7 --server … --cert … --key …
  $ passerelle query 277069912345674 --json --server … --cert … --key …
  $ passerelle get <DocumentReference id> --dir downloads --server … --cert … --key …
  $ passerelle import registry.ndjson --source-id 1.2.250.1.999.7 --content-type 07 \
      --cert data/pki/hopital-org.pem --key data/pki/hopital-org-key.pem --ca data/pki/ca.pem

Exit status: 0 success, 1 failure (database, network, gateway), 2 invalid input.
Set DEBUG=passerelle to print stack traces.`;

export function buildProgram(io: CliIo): Command {
  // Output and exit settings first: subcommands copy them when they are created.
  const program = new Command('passerelle')
    .description('Operator commands for Passerelle, the shared health record gateway')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', PROGRAM_HELP);
  registerRecordCommands(program, io);
  registerPkiCommands(program, io);
  registerInsCommands(program, io);
  registerDirectoryCommands(program, io);
  registerDocumentCommands(program, io);
  registerKeyCommands(program, io);
  registerImportCommand(program, io);
  return program;
}

/** Runs one command line and returns the process exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv);
    return EXIT.OK;
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(error: unknown, io: CliIo): number {
  // Commander has already printed its message (usage error, --help or --version).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.INVALID;
  const { message, exitCode } = describeFailure(error);
  io.err(`error: ${message}\n`);
  if (debugging() && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  return exitCode;
}

function debugging(): boolean {
  return (process.env.DEBUG ?? '').split(',').includes('passerelle');
}
