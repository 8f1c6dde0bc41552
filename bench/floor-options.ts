import { parseArgs } from 'node:util';
import type { LoadSettings } from './mhd-load-run';
import { UsageError, integer } from './options';

/** Every run's load settings (the PKI aside, the gateway's own), and the comparison's. */
export interface FloorComparisonOptions extends Omit<LoadSettings, 'pkiDir'> {
  readonly rounds: number;
  readonly adminDatabaseUrl: string;
  /** Where each run's mhd-load JSON is kept; a temporary directory, removed, otherwise. */
  readonly resultsDir?: string;
  /** Also run the audited floor (bench/audited-floor-server.ts) in every round. */
  readonly auditedFloor: boolean;
  /** The gateway run with --cpu-prof, its profile written there at the end. */
  readonly cpuProfDir?: string;
}

export const FLOOR_USAGE = `Usage: npm run bench:floor -- [options]
       (= npm run bench -- --compare-floor [options])

Measures the gateway against the floor (bench/neutral/floor-server.mjs: the least work Node.js +
pg can do for the same MHD traffic) with the same neutral load generator
(bench/neutral/mhd-load.mjs, --bundle-profile fr). Starts the floor over mutual TLS with the
gateway's development PKI on a fresh database of its own, and the built gateway on another
fresh PostgreSQL database; then runs the load generator against each alternately — floor,
gateway, floor, gateway… — so that the machine's other work hits both. Each run: records
opened, ITI-65 bundles (one --doc-size document each), ITI-67 searches by patient and by type,
ITI-68 reads, all at --concurrency (the defaults make phases of several seconds: rounds of
about a second moved the ratios by ±0.1 between runs of the same code). Prints one JSON object:
per transaction both rates, the ratio gateway / floor (median of the rounds' ratios), and
server (Node.js) and PostgreSQL CPU ms per operation for each, with every round's figures. Both
databases are dropped at the end.

  --rounds N              floor / gateway pairs (default 5)
  --patients N            patients per run (default 100)
  --bundles B             ITI-65 bundles per run (default 600)
  --searches S            ITI-67 searches per mode per run (default 3000)
  --reads R               ITI-68 reads per run (default 3000)
  --concurrency C         requests in flight in every phase (default 8)
  --doc-size BYTES        size of each document (default 51200)
  --admin-database-url U  where the databases are created
                          (default postgres://postgres@127.0.0.1:5432/postgres)
  --audited-floor         also run, in every round between the two, the audited floor
                          (bench/audited-floor-server.ts): the floor plus only the work the DMP's
                          rules make every implementation do — an access-state read before
                          answering, an audit row per request (naming the documents), a
                          notification per stored document. Adds per transaction its rates,
                          auditedFloorRatio (it / floor: how far any implementation of those
                          rules can come) and ratioToAuditedFloor (gateway / it)
  --results-dir DIR       keep each run's mhd-load JSON there
  --cpu-prof DIR          run the gateway with node --cpu-prof, its profile written to DIR
  --help                  show this help
`;

const FLAGS = {
  'compare-floor': { type: 'boolean' },
  rounds: { type: 'string' },
  patients: { type: 'string' },
  bundles: { type: 'string' },
  searches: { type: 'string' },
  reads: { type: 'string' },
  concurrency: { type: 'string' },
  'doc-size': { type: 'string' },
  'admin-database-url': { type: 'string' },
  'results-dir': { type: 'string' },
  'audited-floor': { type: 'boolean' },
  'cpu-prof': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Parsed options, or `undefined` when help was asked for. */
export function parseFloorOptions(argv: readonly string[]): FloorComparisonOptions | undefined {
  const { values } = flags(argv);
  if (values.help) return undefined;
  return {
    rounds: integer(values.rounds, 'rounds', 5, 1, 100),
    patients: integer(values.patients, 'patients', 100, 1, 100_000),
    bundles: integer(values.bundles, 'bundles', 600, 1, 1_000_000),
    searches: integer(values.searches, 'searches', 3000, 1, 1_000_000),
    reads: integer(values.reads, 'reads', 3000, 1, 1_000_000),
    concurrency: integer(values.concurrency, 'concurrency', 8, 1, 1024),
    docSize: integer(values['doc-size'], 'doc-size', 51200, 1, 64 * 1024 * 1024),
    adminDatabaseUrl: values['admin-database-url'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    resultsDir: values['results-dir'],
    auditedFloor: values['audited-floor'] ?? false,
    cpuProfDir: values['cpu-prof'],
  };
}

function flags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
