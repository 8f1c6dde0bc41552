import { Command, CommanderError, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CaseDefinitionError, loadCases } from './case-loader';
import { runOrder } from './case-order';
import type { FhirKitClientClass } from './fhir-exchange';
import { DEFAULT_CONSUMER_PERSONA, DEFAULT_FEEDER_PERSONA } from './identities';
import { htmlReport } from './reports/html-report';
import { junitReport } from './reports/junit-report';
import { ProgressDisplay, Terminal, terminalSummary } from './reports/terminal-report';
import { exitCodeOf } from './results';
import { SuiteRoots, defaultSuiteRoots } from './suite-files';
import { runSuite } from './suite-runner';

export const EXIT = { passed: 0, failed: 1, invalid: 2 } as const;

export interface ConformanceIo {
  readonly stdout: Terminal;
  readonly stderr: Terminal;
}

interface CliOptions {
  readonly target?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
  readonly consumerCert?: string;
  readonly consumerKey?: string;
  readonly pkiDir?: string;
  readonly feederPersona: string;
  readonly consumerPersona: string;
  readonly only?: string;
  readonly report?: string;
  readonly html?: string;
  readonly fhirBase?: string;
  readonly xdsRegistry?: string;
  readonly xdsRepository?: string;
  readonly timeout: string;
  readonly cases?: string;
  readonly list?: boolean;
}

const HELP = `
Identities: --cert/--key is the feeding system (e.g. a hospital's ORG certificate); opening
records and consulting use --consumer-cert/--consumer-key (a professional's PS certificate),
or the feeding identity when not given. --pki-dir takes all of them from a development PKI
folder (ca.pem, <persona>.pem, <persona>-key.pem), including the personas access-rule cases
act as; explicit options win over it.

Examples:
  $ npx passerelle-conformance --target https://localhost:8443 --pki-dir data/pki
  $ npx passerelle-conformance --target https://dmp.example:443 --ca ca.pem \\
      --cert feeder.pem --key feeder-key.pem --consumer-cert ps.pem --consumer-key ps-key.pem \\
      --only 'xds/*' --report junit.xml --html report.html

Exit status: 0 every case passed or was skipped, 1 a case failed, 2 invalid options or cases.`;

function program(io: ConformanceIo): Command {
  return new Command('passerelle-conformance')
    .description(
      'Runs the Passerelle conformance suite (IHE XDS.b, MHD, French DMP profile) against an endpoint',
    )
    .option('--target <url>', 'base URL of the server under test, e.g. https://host:8443')
    .option('--cert <file>', 'client certificate (PEM) of the feeding system')
    .option('--key <file>', 'its private key (PEM)')
    .option('--ca <file>', 'CA certificate(s) (PEM) the server certificate is checked against')
    .option('--consumer-cert <file>', 'client certificate (PEM) of the consulting professional')
    .option('--consumer-key <file>', 'its private key (PEM)')
    .option('--pki-dir <dir>', 'a development PKI folder providing the CA and every identity')
    .option('--feeder-persona <name>', 'persona of --pki-dir that feeds', DEFAULT_FEEDER_PERSONA)
    .option(
      '--consumer-persona <name>',
      'persona of --pki-dir that consults',
      DEFAULT_CONSUMER_PERSONA,
    )
    .option(
      '--only <patterns>',
      "comma-separated case ids or patterns ('xds/*'); dependencies run too",
    )
    .option('--report <file>', 'write a JUnit XML report')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--fhir-base <url>', 'FHIR base URL (default <target>/fhir)')
    .option('--xds-registry <url>', 'XDS.b registry endpoint (default <target>/xds/registry)')
    .option('--xds-repository <url>', 'XDS.b repository endpoint (default <target>/xds/repository)')
    .option('--timeout <ms>', 'time allowed for each answer', '30000')
    .addOption(new Option('--cases <dir>', 'folder of cases (default: the suite’s own)').hideHelp())
    .option('--list', 'list the cases (and their origins) without running them')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', HELP);
}

/**
 * Runs the suite from a command line and returns the exit status; never throws. The
 * fhir-kit-client class is passed in because loading it differs between Node (ESM import) and
 * Jest (its CommonJS transform).
 */
export async function runConformanceCli(
  argv: readonly string[],
  io: ConformanceIo,
  loadClient: () => Promise<FhirKitClientClass>,
): Promise<number> {
  let options: CliOptions;
  try {
    options = program(io).parse(argv, { from: 'user' }).opts<CliOptions>();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.passed : EXIT.invalid;
    throw error;
  }
  try {
    const roots = suiteRoots(options);
    if (options.list) return listCases(roots, options, io);
    return await run(options, roots, io, await loadClient());
  } catch (error) {
    const problem =
      error instanceof CaseDefinitionError || error instanceof UsageError
        ? error.message
        : `the run stopped: ${(error as Error).message}`;
    io.stderr.write(`error: ${problem}\n`);
    return EXIT.invalid;
  }
}

class UsageError extends Error {}

function suiteRoots(options: CliOptions): SuiteRoots {
  const roots = defaultSuiteRoots();
  return options.cases ? { ...roots, cases: resolve(options.cases) } : roots;
}

function listCases(roots: SuiteRoots, options: CliOptions, io: ConformanceIo): number {
  for (const definition of runOrder(loadCases(roots), patternsOf(options))) {
    io.stdout.write(
      `${definition.id}\n    ${definition.title}\n    origin: ${definition.origin}\n`,
    );
  }
  return EXIT.passed;
}

async function run(
  options: CliOptions,
  roots: SuiteRoots,
  io: ConformanceIo,
  FhirClient: FhirKitClientClass,
): Promise<number> {
  const target = requiredTarget(options);
  const timeoutMs = Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new UsageError(`--timeout must be a positive number of milliseconds`);
  }
  if (runOrder(loadCases(roots), patternsOf(options)).length === 0) {
    throw new UsageError(`--only ${options.only ?? ''} matches no case (see --list)`);
  }
  const progress = new ProgressDisplay(io.stdout, io.stderr);
  const result = await runSuite(
    {
      target,
      endpoints: {
        fhir: options.fhirBase ?? `${target}/fhir`,
        registry: options.xdsRegistry ?? `${target}/xds/registry`,
        repository: options.xdsRepository ?? `${target}/xds/repository`,
      },
      identities: {
        ca: options.ca,
        feeder: pair(options.cert, options.key, '--cert', '--key'),
        consumer: pair(
          options.consumerCert,
          options.consumerKey,
          '--consumer-cert',
          '--consumer-key',
        ),
        pkiDir: options.pkiDir,
        feederPersona: options.feederPersona,
        consumerPersona: options.consumerPersona,
      },
      timeoutMs,
      only: patternsOf(options),
      roots,
      onCaseStart: (definition, index, total) => progress.started(definition.id, index, total),
      onCaseDone: (caseResult) => progress.finished(caseResult),
    },
    FhirClient,
  );
  io.stdout.write(terminalSummary(result));
  for (const [file, report] of [
    [options.report, junitReport],
    [options.html, htmlReport],
  ] as const) {
    if (!file) continue;
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, report(result));
    io.stdout.write(`Report written: ${file}\n`);
  }
  return exitCodeOf(result);
}

function requiredTarget(options: CliOptions): string {
  if (!options.target) throw new UsageError('--target <url> is required');
  if (!/^https?:\/\//.test(options.target)) {
    throw new UsageError(`--target must be an http(s) URL, got ${options.target}`);
  }
  return options.target.replace(/\/+$/, '');
}

function pair(
  cert: string | undefined,
  key: string | undefined,
  certName: string,
  keyName: string,
) {
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new UsageError(`${certName} and ${keyName} go together`);
  return { cert, key };
}

function patternsOf(options: CliOptions): string[] {
  return (options.only ?? '')
    .split(',')
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern.length > 0);
}
