import { Command } from 'commander';
import type { DocumentReference } from 'fhir/r4';
import { join } from 'node:path';
import { CliError, invalidInput } from '../cli-error';
import type { CliIo } from '../cli-io';
import { formatJson } from '../cli-io';
import { SavedContent, saveContent } from './download';
import type { MhdClient } from './mhd-client';
import { connectMhd } from './mhd-client';
import { interactive, progressBar } from './progress';
import { GatewayOptions, gatewayTargetOf, withGatewayOptions } from './push-options';

interface GetOptions extends GatewayOptions {
  readonly dir: string;
  readonly output?: string;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'application/pdf': '.pdf',
  'text/xml': '.xml',
  'application/xml': '.xml',
  'text/plain': '.txt',
  'text/rtf': '.rtf',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/tiff': '.tiff',
  'text/html': '.html',
};

const GET_HELP = `
Downloads each document (MHD ITI-68) byte for byte, checked against the size and SHA-1 its
DocumentReference announces; the ids are those "passerelle query" and "passerelle push" print.
A file is written complete or not at all (through <file>.part).

Examples:
  $ passerelle get 0b8f6c1e-4c55-4f7e-9a55-3b1f0ac2e9d1 --dir downloads --server https://localhost:8443 \\
      --cert data/pki/medecin-generaliste.pem --key data/pki/medecin-generaliste-key.pem \\
      --ca data/pki/ca.pem
  $ passerelle get 0b8f6c1e-4c55-4f7e-9a55-3b1f0ac2e9d1 --output report.xml …`;

export function registerGetCommand(program: Command, io: CliIo): void {
  withGatewayOptions(program.command('get'))
    .description('download documents by DocumentReference id (MHD ITI-68)')
    .argument('<ids...>', 'DocumentReference ids')
    .option('--dir <dir>', 'folder to write into, as <id>.<extension>', '.')
    .option('--output <file>', 'file to write (a single id only)')
    .addHelpText('after', GET_HELP)
    .action((ids: string[], options: GetOptions) => get(ids, options, io));
}

async function get(ids: readonly string[], options: GetOptions, io: CliIo): Promise<void> {
  if (options.output && ids.length > 1) {
    throw invalidInput('--output names one file: give a single id, or use --dir');
  }
  const client = await connectMhd(gatewayTargetOf(options));
  const saved: (SavedContent & { id: string; mimeType?: string })[] = [];
  try {
    for (const id of ids) {
      const document = await client.readDocument(id);
      const path = options.output ?? join(options.dir, `${id}${extensionOf(document)}`);
      saved.push({ id, ...(await download(client, document, path, io, options.json)) });
    }
  } finally {
    await client.close();
  }
  io.out(
    options.json
      ? formatJson(saved)
      : saved.map((s) => `DocumentReference/${s.id} → ${s.path} (${s.size} bytes)\n`).join(''),
  );
}

async function download(
  client: MhdClient,
  document: DocumentReference,
  path: string,
  io: CliIo,
  json: boolean | undefined,
): Promise<SavedContent & { mimeType?: string }> {
  const attachment = document.content[0]?.attachment;
  if (!attachment?.url) {
    throw new CliError(`DocumentReference/${document.id} has no attachment URL to download`);
  }
  const content = await client.openContent(attachment.url);
  const progress = progressBar(
    io,
    content.length ?? attachment.size ?? 0,
    'bytes',
    interactive(json),
  );
  try {
    const saved = await saveContent(
      content,
      path,
      {
        ...(attachment.size !== undefined ? { size: attachment.size } : {}),
        ...(attachment.hash !== undefined ? { sha1Base64: attachment.hash } : {}),
      },
      (received) => progress.update(received, path),
    );
    return { ...saved, ...(attachment.contentType ? { mimeType: attachment.contentType } : {}) };
  } finally {
    progress.finish();
  }
}

function extensionOf(document: DocumentReference): string {
  return EXTENSIONS[document.content[0]?.attachment?.contentType ?? ''] ?? '.bin';
}
