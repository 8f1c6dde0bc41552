import { parseArgs } from 'node:util';

export interface BenchOptions {
  readonly patients: number;
  readonly documents: number;
  readonly concurrency: number;
  readonly docSize: number;
  readonly docsPerBundle: number;
  readonly searches: number;
  readonly reads: number;
  /** Bundles pushed one at a time, after the concurrent load, for the concurrency-1 latency. */
  readonly serialBundles?: number;
  readonly databaseUrl?: string;
  readonly adminDatabaseUrl: string;
  readonly keep: boolean;
  readonly target?: string;
  readonly pki?: string;
  readonly timeoutMs: number;
  readonly cpuProfDir?: string;
  /** Authorisations on the record of the policy-decision measurement. */
  readonly authorisations: number;
  /** Lines of the bulk import measured in process (`passerelle import`); 0 skips it. */
  readonly importEntries: number;
  /** The records those lines are spread over, opened through the gateway first. */
  readonly importPatients: number;
  /** ITI-67 searches on the imported records, at concurrency 1 and then at --concurrency. */
  readonly importSearches: number;
  /** ITI-41 (MTOM) submissions into one patient's record, then ITI-18 FindDocuments on it. */
  readonly xdsDocuments: number;
  readonly xdsQueries: number;
  /** MDM^T02 messages (one CDA of about --doc-size bytes each) over MLLP/TLS. */
  readonly hl7Messages: number;
  /** With --target: its MLLP port; without it the HL7v2 phase is skipped. */
  readonly mllpPort?: number;
  /** The patient's channel phases (login to token, a patient's document list); on by default. */
  readonly patientChannel: boolean;
  /** --ingest-only: records and ITI-65 only, every other phase skipped. */
  readonly ingestOnly: boolean;
  readonly patientLogins: number;
  readonly patientDocuments: number;
  readonly patientListQueries: number;
  /** With --target: the directory the target's file notification channel writes to. */
  readonly outbox?: string;
}

export const USAGE = `Usage: node dist/apps/gateway/bench/run.js [options]

Benchmarks the doors: opens patient records, pushes ITI-65 bundles, runs ITI-67 searches and
ITI-68 reads (MHD); pushes ITI-41 MTOM submissions into one patient's record and times ITI-18
FindDocuments on it (XDS.b); sends MDM^T02 messages over MLLP/TLS (HL7v2); logs patients in through the patient's channel and lists one
patient's documents with his token. Progress goes to stderr, one JSON result object to stdout;
the spawned gateway's resident memory (from /proc/<pid>/status) is reported once listening
(server.startRssMB), at its highest during the concurrent ITI-65 load (iti65.serverPeakRssMB)
and over the whole run (server.peakRssMB, VmHWM).

  --patients N            patient records to open (default 200)
  --documents M           documents pushed in total (default 2000)
  --docs-per-bundle K     documents per ITI-65 bundle, 1..10 (default 1)
  --concurrency C         requests in flight, and connections per client (default 8)
  --doc-size BYTES        size of each random document (default 51200)
  --searches S            ITI-67 searches (default 500)
  --reads R               ITI-68 reads (default 500)
  --serial-bundles B      bundles pushed at concurrency 1 (default min(200, 10% of bundles))
  --database-url URL      PostgreSQL database of the spawned gateway (default: a fresh
                          passerelle_bench_<timestamp>, dropped at the end unless --keep)
  --admin-database-url U  where the fresh database is created
                          (default postgres://postgres@127.0.0.1:5432/postgres)
  --keep                  keep the fresh database and the gateway's data directory
  --target URL            bench an already running gateway (e.g. https://localhost:8443)
  --pki DIR               with --target: directory holding ca.pem, hopital-org.pem,
                          medecin-generaliste.pem (and laboratoire-org.pem for the HL7v2
                          phase) and their -key.pem files
  --timeout-ms T          timeout of each request (default 30000)
  --cpu-prof DIR          run the spawned gateway with --cpu-prof, profiles written to DIR
  --authorisations N      authorisations on the record when measuring the access decision
                          (default 10000; not with --target)
  --import-entries N      lines of a synthetic NDJSON file bulk imported (passerelle import)
                          in process, 1 KB documents over --import-patients records (default
                          20000; 0 skips; not with --target)
  --import-patients P     records the imported lines are spread over, one line each in turn,
                          opened through the gateway at --concurrency before (default 3)
  --import-searches S     then S ITI-67 searches by patient over the imported records at
                          concurrency 1 (p50/p99), and S at --concurrency (default 0)
  --xds-documents N       ITI-41 MTOM submissions (one --doc-size document each) into one
                          patient's record (default 1000)
  --xds-queries Q         ITI-18 FindDocuments on that patient, one at a time: Q answered as
                          LeafClass, then Q as ObjectRef (default 100)
  --hl7-messages N        MDM^T02 messages, each a CDA R2 lab report padded to --doc-size bytes,
                          sent by the laboratory over --concurrency MLLP/TLS connections into
                          one patient's record (default 1000)
  --mllp-port P           with --target: its MLLP port (without it the HL7v2 phase is skipped)
  --patient-logins N      patients opened with an e-mail and enrolled; each logs in (password,
                          one-time code, code exchange) once alone, then once at --concurrency
                          (default 20, at most 1000)
  --patient-documents N   documents fed into one of them, whose list he reads with his token
                          (default 1000)
  --patient-list-queries Q
                          first pages (100 documents) of that list, one at a time; the whole
                          list is walked Q/10 times (default 100)
  --outbox DIR            with --target: where the target's NOTIFY_CHANNEL=file:<dir> writes
                          (the patient's codes); without it the patient's channel is skipped
  --no-patient-channel    skip the patient's channel phases
  --ingest-only           records and ITI-65 only: searches, reads, XDS, HL7v2, the patient's
                          channel, the access decision and the bulk import all skipped
                          (e.g. --ingest-only --concurrency 32 for the memory under ingest)
  --compare-floor         instead: the gateway against the floor (bench/neutral), alternately,
                          with the neutral load generator (--compare-floor --help for its options)
  --help                  show this help
`;

const FLAGS = {
  patients: { type: 'string' },
  documents: { type: 'string' },
  'docs-per-bundle': { type: 'string' },
  concurrency: { type: 'string' },
  'doc-size': { type: 'string' },
  searches: { type: 'string' },
  reads: { type: 'string' },
  'serial-bundles': { type: 'string' },
  'ingest-only': { type: 'boolean' },
  authorisations: { type: 'string' },
  'import-entries': { type: 'string' },
  'import-patients': { type: 'string' },
  'import-searches': { type: 'string' },
  'database-url': { type: 'string' },
  'admin-database-url': { type: 'string' },
  keep: { type: 'boolean' },
  target: { type: 'string' },
  pki: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'cpu-prof': { type: 'string' },
  'xds-documents': { type: 'string' },
  'xds-queries': { type: 'string' },
  'hl7-messages': { type: 'string' },
  'mllp-port': { type: 'string' },
  'patient-logins': { type: 'string' },
  'patient-documents': { type: 'string' },
  'patient-list-queries': { type: 'string' },
  outbox: { type: 'string' },
  'no-patient-channel': { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

export class UsageError extends Error {}

/** Parsed options, or `undefined` when help was asked for. */
export function parseOptions(argv: readonly string[]): BenchOptions | undefined {
  const { values } = parseFlags(argv);
  if (values.help) return undefined;
  const ingestOnly = values['ingest-only'] ?? false;
  const phase = (raw: string | undefined, name: string, fallback: number, min = 0) => {
    if (ingestOnly && raw !== undefined) throw new UsageError(`--${name} skipped by --ingest-only`);
    return ingestOnly ? 0 : integer(raw, name, fallback, min);
  };
  const options: BenchOptions = {
    patients: integer(values.patients, 'patients', 200, 1),
    documents: integer(values.documents, 'documents', 2000, 1),
    docsPerBundle: integer(values['docs-per-bundle'], 'docs-per-bundle', 1, 1, 10),
    concurrency: integer(values.concurrency, 'concurrency', 8, 1, 1024),
    docSize: integer(values['doc-size'], 'doc-size', 51200, 1),
    searches: phase(values.searches, 'searches', 500),
    reads: phase(values.reads, 'reads', 500),
    serialBundles: optionalInteger(values['serial-bundles'], 'serial-bundles'),
    databaseUrl: values['database-url'],
    adminDatabaseUrl: values['admin-database-url'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    keep: values.keep ?? false,
    target: values.target?.replace(/\/+$/, ''),
    pki: values.pki,
    timeoutMs: integer(values['timeout-ms'], 'timeout-ms', 30_000, 100),
    cpuProfDir: values['cpu-prof'],
    authorisations: integer(values.authorisations, 'authorisations', 10_000, 1, 10_000_000),
    importEntries: phase(values['import-entries'], 'import-entries', 20_000),
    importPatients: integer(values['import-patients'], 'import-patients', 3, 1, 999_999),
    importSearches: phase(values['import-searches'], 'import-searches', 0),
    xdsDocuments: phase(values['xds-documents'], 'xds-documents', 1000),
    xdsQueries: phase(values['xds-queries'], 'xds-queries', 100),
    hl7Messages: phase(values['hl7-messages'], 'hl7-messages', 1000),
    mllpPort: optionalInteger(values['mllp-port'], 'mllp-port'),
    patientChannel: !ingestOnly && !values['no-patient-channel'],
    ingestOnly,
    patientLogins: integer(values['patient-logins'], 'patient-logins', 20, 1, 1000),
    patientDocuments: integer(values['patient-documents'], 'patient-documents', 1000, 1),
    patientListQueries: integer(values['patient-list-queries'], 'patient-list-queries', 100, 0),
    outbox: values.outbox,
  };
  checkCoherence(options);
  return options;
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function checkCoherence(options: BenchOptions): void {
  if (options.target && !options.pki) throw new UsageError('--target needs --pki DIR');
  if (!options.target && options.pki) throw new UsageError('--pki only goes with --target');
  if (options.target && options.databaseUrl) {
    throw new UsageError('--database-url cannot be used with --target');
  }
  if (options.target && options.cpuProfDir) {
    throw new UsageError('--cpu-prof needs a spawned gateway (no --target)');
  }
  if (!options.target && options.mllpPort !== undefined) {
    throw new UsageError('--mllp-port only goes with --target (the spawned gateway has its own)');
  }
  if (!options.target && options.outbox) {
    throw new UsageError('--outbox only goes with --target (the spawned gateway has its own)');
  }
}

export function integer(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function optionalInteger(raw: string | undefined, name: string): number | undefined {
  return raw === undefined ? undefined : integer(raw, name, 0, 0);
}
