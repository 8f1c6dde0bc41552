import { Command, InvalidArgumentError } from 'commander';
import { CliError, EXIT } from '../cli-error';
import type { CliIo } from '../cli-io';
import { DropFolder, JOURNAL_FILE } from './drop-folder';
import {
  PushOptions,
  gatewayTargetOf,
  pushSettingsOf,
  transportKindOf,
  withGatewayOptions,
  withMetadataOptions,
} from './push-options';
import { openTransport } from './transport';
import { WatchEvent, WatchSummary, watchFolder } from './watch-loop';

interface WatchOptions extends PushOptions {
  readonly interval: number;
  readonly settle: number;
  readonly attempts: number;
  readonly retryDelay: number;
  readonly once?: boolean;
}

const MAX_RETRY_DELAY_MS = 5 * 60_000;

const WATCH_HELP = `
Each document dropped into the folder is pushed once, like "passerelle push" does (metadata from
the CDA header, else from <file>.meta.json and the flags), then moved:
  .processing/   while it is being sent (claimed by an atomic rename)
  done/          sent (or found already registered)
  failed/        refused: the document, and <file>.error.json saying why (the gateway's
                 OperationOutcome, or the metadata problems)
Network errors and 5xx answers are retried with exponential backoff (--retry-delay, doubled up to
5 minutes, --attempts at a time); the document then waits in .processing/, tried again by later
passes after ever longer delays.
A stop at any moment (Ctrl-C, SIGTERM, a crash) loses nothing: .processing/ is resumed at the
next start, and a document sent twice is recognised by its uniqueId (no duplicate).
${JOURNAL_FILE} in the folder records every outcome.

Files whose name starts with "." or ends in .part or .tmp are left alone: write under such a
name, then rename. Write the metadata file before its document.

Examples:
  $ passerelle watch /var/spool/lab-reports --source-id 1.2.250.1.999.7 \\
      --server https://dmp.example.fr --cert lab.pem --key lab-key.pem --ca ca.pem
  $ passerelle watch ./outbox --once --json --source-id 1.2.250.1.999.7 --server … # cron

Exit status: 0 stopped (or, with --once, all sent), 1 a document failed or is left to retry.`;

export function registerWatchCommand(program: Command, io: CliIo): void {
  withMetadataOptions(withGatewayOptions(program.command('watch')))
    .description('push every document dropped into a folder, once, surviving restarts')
    .argument('<dir>', 'the drop folder')
    .option('--interval <seconds>', 'time between two looks at the folder', seconds, 5)
    .option('--settle <seconds>', 'a file unchanged for this long is complete', seconds, 2)
    .option('--attempts <n>', 'tries per pass while the gateway is unavailable', positive, 5)
    .option('--retry-delay <seconds>', 'first wait before trying again (then doubled)', seconds, 2)
    .option('--once', 'deliver what is in the folder, then stop')
    .addHelpText('after', WATCH_HELP)
    .action((dir: string, options: WatchOptions) => watch(dir, options, io));
}

async function watch(dir: string, options: WatchOptions, io: CliIo): Promise<void> {
  const settings = pushSettingsOf(options);
  const folder = await DropFolder.open(dir);
  const transport = await openTransport(transportKindOf(options), () => gatewayTargetOf(options));
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (!options.once && !options.json) io.err(`Watching ${dir} (Ctrl-C to stop).\n`);
  let summary: WatchSummary;
  try {
    summary = await watchFolder(
      {
        folder,
        transport,
        settings,
        retry: {
          attempts: options.attempts,
          firstDelayMs: options.retryDelay * 1000,
          maxDelayMs: MAX_RETRY_DELAY_MS,
        },
        signal: stop.signal,
        onEvent: (event) => io.out(describeEvent(event, options.json === true)),
      },
      {
        intervalMs: options.interval * 1000,
        settleMs: options.settle * 1000,
        once: options.once === true,
      },
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await transport.close();
  }
  if (options.once && (summary.failed > 0 || summary.pending > 0)) {
    throw new CliError(
      `${summary.failed} documents failed (see failed/), ${summary.pending} left to retry`,
      EXIT.FAILURE,
    );
  }
}

function describeEvent(event: WatchEvent, json: boolean): string {
  if (json) return `${JSON.stringify(event)}\n`;
  switch (event.event) {
    case 'sent':
      return `${event.file}: ${event.alreadyRegistered ? 'already registered as' : 'pushed as'} DocumentReference/${event.documentId}\n`;
    case 'failed':
      return `${event.file}: failed: ${event.error} (report: ${event.report})\n`;
    case 'retrying':
      return `${event.file}: ${event.error}; trying again in ${+(event.delayMs / 1000).toFixed(1)} s\n`;
    case 'pending':
      return `${event.file}: not sent (${event.error}); kept in .processing/ for the next pass\n`;
    case 'resumed':
      return `${event.file}: resuming (a previous run stopped while sending it)\n`;
  }
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError('expected a number of seconds (0 or more)');
  }
  return parsed;
}

function positive(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return parsed;
}
