import { Command } from 'commander';
import { CliError, describeFailure } from '../cli-error';
import type { CliIo } from '../cli-io';
import { prepareDocument } from './prepare-document';
import { interactive, progressBar } from './progress';
import {
  PushOptions,
  gatewayTargetOf,
  pushSettingsOf,
  transportKindOf,
  withGatewayOptions,
  withMetadataOptions,
} from './push-options';
import { PushFailure, formatDryRun, formatPushed } from './push-output';
import { PushResult, openTransport, pushDocument } from './transport';

const PUSH_HELP = `
A CDA R2 document carries its metadata: patient INS (recordTarget), authors and their
organisations, type (code) and class (national type→class table), creation time, confidentiality,
service period (documentationOf/serviceEvent), facility and practice setting, custodian, language,
formatCode (by templateId). Any other file (PDF, text, image) takes its metadata from
<file>.meta.json (or --metadata) and the flags; the flags win over the file and the CDA header.
A file without its own id gets a stable uniqueId from its bytes and patient, so pushing it again
is harmless: the gateway answers that it is already registered.

Metadata file (JSON), every field optional:
  {"ins": "277069912345674", "insOid": "1.2.250.1.213.1.4.10", "title": "Compte rendu",
   "typeCode": "11502-2", "classCode": "10", "formatCode": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
   "confidentiality": ["N", "MASQUE_PS"], "healthcareFacilityTypeCode": "SA25",
   "practiceSettingCode": "AMBULATOIRE", "contentTypeCode": "26",
   "creationTime": "2024-03-12T14:30:00+01:00", "serviceStartTime": "2024-03-12",
   "serviceStopTime": "2024-03-12", "languageCode": "fr-FR", "mimeType": "application/pdf",
   "uniqueId": "1.2.250.1.999.1.2.3",
   "authors": [{"person": {"id": "810000000017", "assigningAuthority": "1.2.250.1.71.4.2.1",
                "family": "MARTIN", "given": "Jeanne"},
                "institution": {"name": "Laboratoire de Test", "id": "1690000000"}}]}
  Codes are "code" in the field's usual system, "system|code", or {"code", "codeSystem"}.
Without an author, the holder of --cert is the author.

Examples:
  $ passerelle push CR-BIO.xml --source-id 1.2.250.1.999.7 --server https://localhost:8443 \\
      --cert data/pki/laboratoire-org.pem --key data/pki/laboratoire-org-key.pem --ca data/pki/ca.pem
  $ passerelle push report.pdf --ins 277069912345674 --oid 1.2.250.1.213.1.4.10 \\
      --type 11488-4 --facility-type SA01 --practice-setting ETABLISSEMENT --content-type 07 \\
      --service-start 2024-05-02 --source-id 1.2.250.1.999.7 --dry-run

Exit status: 0 all pushed, 1 a document was not (gateway, network), 2 invalid input or metadata.`;

export function registerPushCommand(program: Command, io: CliIo): void {
  withMetadataOptions(withGatewayOptions(program.command('push')))
    .description(
      'submit documents for a patient (MHD ITI-65), metadata from the CDA header or flags',
    )
    .argument('<files...>', 'documents to push')
    .option('--dry-run', 'print the metadata that would be sent, send nothing')
    .addHelpText('after', PUSH_HELP)
    .action((files: string[], options: PushOptions) => push(files, options, io));
}

async function push(files: readonly string[], options: PushOptions, io: CliIo): Promise<void> {
  const settings = pushSettingsOf(options);
  if (options.dryRun) {
    const prepared = await Promise.all(files.map((file) => prepareDocument(file, settings)));
    io.out(formatDryRun(prepared, settings, options.json === true));
    return;
  }
  const transport = await openTransport(transportKindOf(options), () => gatewayTargetOf(options));
  const results: PushResult[] = [];
  const failures: (PushFailure & { exitCode: number })[] = [];
  const progress = progressBar(io, files.length, 'documents', interactive(options.json));
  try {
    for (const [index, file] of files.entries()) {
      progress.update(index, file);
      try {
        results.push(await pushDocument(file, settings, transport));
      } catch (error) {
        const { message, exitCode } = describeFailure(error);
        failures.push({ file, error: message, exitCode });
        if (!options.json) io.err(`error: ${message}\n`);
      }
    }
    progress.update(files.length);
  } finally {
    progress.finish();
    await transport.close();
  }
  io.out(
    formatPushed(
      results,
      failures.map(({ file, error }) => ({ file, error })),
      options.json === true,
    ),
  );
  if (failures.length > 0) {
    throw new CliError(
      `${failures.length} of ${files.length} documents not pushed`,
      Math.max(...failures.map((failure) => failure.exitCode)),
    );
  }
}
