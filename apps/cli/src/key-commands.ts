import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { FileKeyEncryptionService } from '@passerelle/persistence';
import { loadConfig } from '@passerelle/platform';
import { openCliDatabase } from './cli-database';
import { invalidInput } from './cli-error';
import { CliIo, formatJson } from './cli-io';

interface KeyOptions {
  readonly json?: boolean;
}

interface RotateOptions extends KeyOptions {
  readonly rewrapOnly?: boolean;
}

const KEYS_HELP = `
Document content is encrypted with one data key per patient (AES-256-GCM); the data keys are
stored wrapped by a key-encryption key (KEK) of KEK_FILE (default on the embedded database:
DATA_DIR/keys/kek.json). The commands work in the gateway's database, configured by the same
environment as the gateway (DATABASE_URL and KEK_FILE, else PGlite in DATA_DIR: stop the gateway
first).`;

const INIT_EXAMPLES = `
Creates a key file with one KEK (mode 600). Give the same file to every node as KEK_FILE and keep
a copy where the database backups are not: without it no document can be read.

Examples:
  $ passerelle keys init /etc/passerelle/kek.json`;

const ROTATE_EXAMPLES = `${KEYS_HELP}

Adds a new KEK to the file, which wraps new data keys from then on (running nodes read the file
again when it changes), then rewraps every data key with it, in batches each committed on its
own: if it stops, run it again with --rewrap-only. The previous KEKs stay in the file: data keys
in backups taken before the rotation are wrapped by them.

Examples:
  $ DATABASE_URL=postgres://passerelle@db/passerelle KEK_FILE=/etc/passerelle/kek.json \\
      passerelle keys rotate
  $ passerelle keys rotate --rewrap-only --json`;

const STATUS_EXAMPLES = `${KEYS_HELP}

Examples:
  $ passerelle keys status --json`;

export function registerKeyCommands(program: Command, io: CliIo): void {
  const keys = program
    .command('keys')
    .description('the key-encryption keys that wrap the patients’ data keys');
  keys
    .command('init')
    .description('create a key-encryption key file (for PostgreSQL deployments: KEK_FILE)')
    .argument('<file>', 'where to write it; refused if it exists')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', INIT_EXAMPLES)
    .action((file: string, options: KeyOptions) => initKeys(file, options, io));
  keys
    .command('rotate')
    .description('add a new key-encryption key and rewrap every data key with it')
    .option('--rewrap-only', 'add no KEK: finish rewrapping with the newest one')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', ROTATE_EXAMPLES)
    .action((options: RotateOptions) => rotateKeys(options, io));
  keys
    .command('status')
    .description('the KEKs of the key file and how many data keys each wraps')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', STATUS_EXAMPLES)
    .action((options: KeyOptions) => showKeys(options, io));
}

function initKeys(file: string, options: KeyOptions, io: CliIo): void {
  const path = resolve(file);
  if (existsSync(path)) throw invalidInput(`${path} exists: a key file is never overwritten`);
  const kekId = FileKeyEncryptionService.open(path, { create: true }).currentKeyId();
  io.out(
    options.json
      ? formatJson({ file: path, kekId })
      : `Created ${path} with key-encryption key ${kekId}\n`,
  );
}

async function rotateKeys(options: RotateOptions, io: CliIo): Promise<void> {
  const config = loadConfig(process.env);
  const database = await openCliDatabase(
    config,
    { createDatabase: false },
    'stop the gateway: PGlite serves one process',
  );
  try {
    const added = options.rewrapOnly
      ? undefined
      : FileKeyEncryptionService.addKey(config.keyEncryption.kekFile);
    const rewrapped = await database.dataKeys.rewrapAll(database.dataSource);
    const keys = await database.dataKeys.countByKek(database.dataSource);
    io.out(
      options.json
        ? formatJson({ added: added ?? null, rewrapped, keys })
        : `${added ? `Added key-encryption key ${added}; rewrapped` : 'Rewrapped'} ${rewrapped} ` +
            `data keys\n${formatCounts(keys)}`,
    );
  } finally {
    await database.close();
  }
}

async function showKeys(options: KeyOptions, io: CliIo): Promise<void> {
  const database = await openCliDatabase(
    loadConfig(process.env),
    { createDatabase: false },
    'stop the gateway: PGlite serves one process',
  );
  try {
    const keys = await database.dataKeys.countByKek(database.dataSource);
    io.out(options.json ? formatJson({ keys }) : formatCounts(keys));
  } finally {
    await database.close();
  }
}

function formatCounts(keys: readonly { kekId: string; dataKeys: number }[]): string {
  return keys
    .map(({ kekId, dataKeys }, index) => {
      const newest = index === 0 ? ' (newest: wraps new data keys)' : '';
      return `  ${kekId}: ${dataKeys} data keys${newest}\n`;
    })
    .join('');
}
