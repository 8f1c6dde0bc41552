import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { DevPki, ensureDevPki, loadConfig } from '@passerelle/platform';
import { CliIo, formatJson } from './cli-io';

interface DevPkiOptions {
  readonly dir?: string;
  readonly host?: string[];
  readonly json?: boolean;
}

const DEV_EXAMPLES = `
Files already there are kept; missing or expired ones are issued, and the server certificate is
re-issued when a --host name is not in it (restart the gateway to use it). Delete the directory
to start afresh.

Examples:
  $ passerelle pki dev
  $ DATA_DIR=/var/lib/passerelle passerelle pki dev --host gateway.test --host 10.0.0.5
  $ passerelle pki dev --dir ./pki --json`;

export function registerPkiCommands(program: Command, io: CliIo): void {
  const pki = program.command('pki').description('certificates for development and tests');
  pki
    .command('dev')
    .description('generate or refresh the development PKI (NOT FOR PRODUCTION)')
    .option('--dir <dir>', 'PKI directory (default: $DATA_DIR/pki, i.e. ./data/pki)')
    .option('--host <names...>', 'extra host names or IP addresses for the server certificate')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', DEV_EXAMPLES)
    .action((options: DevPkiOptions) => {
      const dir = resolve(options.dir ?? join(loadConfig(process.env).dataDir, 'pki'));
      io.out(formatDevPki(ensureDevPki(dir, options.host ?? []), options.json === true));
    });
}

export function formatDevPki(pki: DevPki, json: boolean): string {
  const personasFile = join(pki.dir, 'personas.json');
  if (json) return formatJson({ ...pki, personasFile });
  const personas = Object.entries(pki.personas).map(
    ([name, files]) =>
      `  ${name}: ${files.description}\n    ${files.certPath}\n    ${files.keyPath}\n`,
  );
  return [
    `Development PKI in ${pki.dir} (NOT FOR PRODUCTION)\n`,
    `CA certificate      ${pki.caPath}\n`,
    `Server certificate  ${pki.serverCertPath}\n`,
    `Server key          ${pki.serverKeyPath}\n`,
    `Client certificates and keys, one per persona (described in ${personasFile}):\n`,
    ...personas,
  ].join('');
}
