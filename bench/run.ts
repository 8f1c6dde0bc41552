import { measureBulkImport } from './import-phase';
import { measurePolicyDecisions } from './policy-phase';
import { loadavg } from 'node:os';
import { AttachmentPaths } from './attachment-urls';
import { redactedUrl } from './bench-database';
import { BenchServer, prepareServer, progress } from './bench-server';
import { Cleanup, describe } from './cleanup';
import { compareWithFloor } from './compare-floor';
import { BenchAborted, ErrorLog } from './concurrency';
import { FhirClient, identityFrom } from './fhir-client';
import { FLOOR_USAGE, parseFloorOptions } from './floor-options';
import { LoadPlan } from './load-plan';
import { BenchOptions, USAGE, UsageError, parseOptions } from './options';
import { AnonymousClient } from './patient-browser';
import { Outbox } from './patient-outbox';
import { PatientChannelResults, runPatientChannelPhases } from './patient-phase';
import {
  PhaseContext,
  openRecords,
  pushBundles,
  readDocuments,
  searchDocuments,
  seedAttachmentPaths,
} from './phases';
import { BenchResults, buildReport } from './report';
import { Hl7v2Results, runHl7v2Phase } from './hl7v2-phase';
import { runXdsPhases } from './xds-phase';

/** `npm run bench`: see USAGE in ./options. */
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--compare-floor')) return compareFloor(argv);
  const options = optionsOrExit(argv, parseOptions, USAGE);
  if (!options) return 0;
  const cleanup = new Cleanup();
  const interruption = stopOnSignals(cleanup);
  try {
    const server = await prepareServer(options, cleanup);
    const results = await runPhases(options, server, cleanup, interruption);
    process.stdout.write(`${JSON.stringify(buildReport(results), null, 2)}\n`);
    if (results.errors > 0) progress(`${results.errors} error(s): failing`);
    return results.errors > 0 ? 1 : 0;
  } catch (error) {
    progress(`Bench failed: ${error instanceof BenchAborted ? error.message : describe(error)}`);
    return 1;
  } finally {
    await cleanup.runAll();
  }
}

/** `--compare-floor`: see FLOOR_USAGE in ./floor-options. */
async function compareFloor(argv: string[]): Promise<number> {
  const options = optionsOrExit(argv, parseFloorOptions, FLOOR_USAGE);
  if (!options) return 0;
  const cleanup = new Cleanup();
  stopOnSignals(cleanup);
  try {
    return await compareWithFloor(options, cleanup);
  } catch (error) {
    progress(`Comparison failed: ${describe(error)}`);
    return 1;
  } finally {
    await cleanup.runAll();
  }
}

function optionsOrExit<Options>(
  argv: string[],
  parse: (argv: string[]) => Options | undefined,
  usage: string,
): Options | undefined {
  try {
    const options = parse(argv);
    if (!options) process.stdout.write(usage);
    return options;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage}`);
    process.exit(2);
  }
}

async function runPhases(
  options: BenchOptions,
  server: BenchServer,
  cleanup: Cleanup,
  interruption: AbortSignal,
): Promise<BenchResults> {
  const loadAverageAtStart = loadavg()[0];
  const plan = new LoadPlan(options.patients, options.documents, options.docsPerBundle);
  const push = client(server, 'hopital-org', options);
  const consult = client(server, 'medecin-generaliste', options);
  cleanup.add('close clients', () => Promise.all([push.close(), consult.close()]).then(() => {}));
  const context: PhaseContext = {
    plan,
    concurrency: options.concurrency,
    docSize: options.docSize,
    errors: new ErrorLog(),
    serverCpuSeconds: () => server.cpuSeconds(),
    interruption,
  };
  const serialBundles = serialBundleCount(options, plan);
  // First: the patient's codes go through the notification outbox, which the loads below fill
  // (one notice per submission) far faster than it drains, and a code waits behind them.
  const patientChannel = await runPatientChannel(server, push, consult, context, options, cleanup);
  const load = await runLoad(push, consult, context, serialBundles, server);
  const queries = await runQueries(consult, context, options);
  const xds = await runXdsPhases(push, consult, context, options.xdsDocuments, options.xdsQueries);
  const hl7v2 = await runHl7v2(server, consult, context, options);
  const policy =
    server.databaseUrl && server.kekFile && !options.ingestOnly
      ? await measurePolicyDecisions(
          { databaseUrl: server.databaseUrl, kekFile: server.kekFile },
          options.authorisations,
          2000,
        )
      : null;
  const bulkImport =
    server.databaseUrl && server.kekFile && options.importEntries > 0
      ? await measureBulkImport(
          { databaseUrl: server.databaseUrl, kekFile: server.kekFile, pkiDir: server.pkiDir },
          consult,
          context,
          {
            entries: options.importEntries,
            patients: options.importPatients,
            searches: options.importSearches,
          },
        )
      : null;
  return {
    config: reportedConfig(options, server, plan, serialBundles),
    loadAverageAtStart,
    ...load,
    ...queries,
    xds,
    hl7v2,
    policy,
    bulkImport,
    patientChannel,
    server: server.stopSampling(),
    errors: context.errors.count,
  };
}

/** Null when skipped: no message asked for, or a --target whose MLLP port is not given. */
async function runHl7v2(
  server: BenchServer,
  consult: FhirClient,
  context: PhaseContext,
  options: BenchOptions,
): Promise<Hl7v2Results | null> {
  if (options.hl7Messages === 0) return null;
  if (server.mllpPort === undefined) {
    progress('HL7v2 skipped: --target without --mllp-port');
    return null;
  }
  const mllp = {
    host: new URL(server.origin).hostname,
    port: server.mllpPort,
    identity: identityFrom(server.pkiDir, 'laboratoire-org'),
    timeoutMs: options.timeoutMs,
  };
  return runHl7v2Phase(mllp, consult, context, options.hl7Messages);
}

/** Null when skipped: asked to, or a --target whose outbox directory is not given. */
async function runPatientChannel(
  server: BenchServer,
  push: FhirClient,
  consult: FhirClient,
  context: PhaseContext,
  options: BenchOptions,
  cleanup: Cleanup,
): Promise<PatientChannelResults | null> {
  if (!options.patientChannel) return null;
  if (!server.outboxDir) {
    progress("Patient's channel skipped: --target without --outbox");
    return null;
  }
  const { ca } = identityFrom(server.pkiDir, 'hopital-org');
  const client = new AnonymousClient(server.origin, ca, options.concurrency, options.timeoutMs);
  cleanup.add('close patient client', () => client.close());
  return runPatientChannelPhases(
    { client, outbox: new Outbox(server.outboxDir, options.timeoutMs) },
    push,
    consult,
    context,
    {
      logins: options.patientLogins,
      documents: options.patientDocuments,
      listQueries: options.patientListQueries,
    },
  );
}

/**
 * Records (opened by the médecin, who so holds the patient's authorisation to consult), then
 * ITI-65 at the configured concurrency, then the last bundles one at a time.
 */
async function runLoad(
  push: FhirClient,
  consult: FhirClient,
  context: PhaseContext,
  serialBundles: number,
  server: BenchServer,
) {
  const { plan } = context;
  const concurrentEnd = plan.bundles - serialBundles;
  const records = await openRecords(consult, context);
  const memory = server.memoryWindow();
  const concurrentLoad = await pushBundles(push, context, {
    from: 0,
    to: concurrentEnd,
    concurrency: context.concurrency,
    label: 'iti65',
  });
  const serverPeakRssMB = memory.close();
  const serialLoad = await pushBundles(push, context, {
    from: concurrentEnd,
    to: plan.bundles,
    concurrency: 1,
    label: 'iti65 c=1',
  });
  return {
    records,
    concurrentLoad: {
      ...concurrentLoad,
      documents: plan.documentsIn(0, concurrentEnd),
      serverPeakRssMB,
    },
    serialLoad: { ...serialLoad, documents: plan.documentsIn(concurrentEnd, plan.bundles) },
  };
}

/** ITI-67 searches, then ITI-68 reads of documents the searches found. */
async function runQueries(consult: FhirClient, context: PhaseContext, options: BenchOptions) {
  const paths = new AttachmentPaths();
  const searches = await searchDocuments(consult, context, options.searches, paths);
  if (options.reads > 0 && paths.size === 0) await seedAttachmentPaths(consult, context, paths);
  const reads = await readDocuments(consult, context, options.reads, paths);
  return { searches, reads };
}

function reportedConfig(
  options: BenchOptions,
  server: BenchServer,
  plan: LoadPlan,
  serialBundles: number,
) {
  return {
    ...options,
    databaseUrl: server.database,
    adminDatabaseUrl: redactedUrl(options.adminDatabaseUrl),
    bundles: plan.bundles,
    serialBundles,
  };
}

function client(server: BenchServer, persona: string, options: BenchOptions): FhirClient {
  const identity = identityFrom(server.pkiDir, persona);
  return new FhirClient(server.origin, identity, options.concurrency, options.timeoutMs);
}

/** Default: min(200, 10 % of the bundles); never more than there are bundles. */
function serialBundleCount(options: BenchOptions, plan: LoadPlan): number {
  const wanted = options.serialBundles ?? Math.min(200, Math.floor(plan.bundles / 10));
  return Math.min(wanted, plan.bundles);
}

/** On SIGINT/SIGTERM: stop the phases, clean up, exit 128 + signal number. */
function stopOnSignals(cleanup: Cleanup): AbortSignal {
  const controller = new AbortController();
  const codes = { SIGINT: 130, SIGTERM: 143 } as const;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping and cleaning up`);
      controller.abort(signal);
      void cleanup.runAll().finally(() => process.exit(codes[signal]));
    });
  }
  return controller.signal;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(describe(error));
    process.exit(1);
  },
);
