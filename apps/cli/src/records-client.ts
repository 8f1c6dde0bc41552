import type { PatientId } from '@passerelle/domain';
import type { Demographics, OperatorStep } from '@passerelle/record-management';
import { loadConfig } from '@passerelle/platform';
import { invalidInput } from './cli-error';
import type { OpenOutcome } from './record-output';
import type { RecordView } from './record-view';

/** Patient records, reached either in the database directly or through the gateway's FHIR API. */
export interface RecordsClient {
  /** `byDefault`: pending, the patient may oppose within six weeks (Mon espace santé). */
  open(patientId: PatientId, demographics: Demographics, byDefault: boolean): Promise<OpenOutcome>;
  status(patientId: PatientId): Promise<RecordView | undefined>;
  /** Closes (with a reason), reopens, suspends or lifts a suspension; undefined without record. */
  step(patientId: PatientId, step: OperatorStep): Promise<RecordView | undefined>;
  close(): Promise<void>;
}

export interface ConnectionOptions {
  readonly server?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
}

export interface ConnectPurpose {
  /** Whether an embedded database may be created when DATA_DIR has none yet. */
  readonly createDatabase: boolean;
}

/** Runs `work` against the records, then releases the connection whatever happens. */
export async function withRecords<T>(
  options: ConnectionOptions,
  purpose: ConnectPurpose,
  work: (records: RecordsClient) => Promise<T>,
): Promise<T> {
  const records = await connect(options, purpose);
  try {
    return await work(records);
  } finally {
    await records.close();
  }
}

// Each mode is loaded on demand: the API mode never loads TypeORM, nor the direct mode undici.
async function connect(
  options: ConnectionOptions,
  purpose: ConnectPurpose,
): Promise<RecordsClient> {
  if (options.server) {
    const { connectToGateway } = await import('./api-records-client');
    return connectToGateway(apiTarget(options.server, options));
  }
  if (options.cert || options.key || options.ca) {
    throw invalidInput('--cert, --key and --ca apply only with --server');
  }
  const { connectToDatabase } = await import('./direct-records-client');
  return connectToDatabase(loadConfig(process.env), purpose);
}

export interface ApiTarget {
  readonly fhirBaseUrl: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly caPath?: string;
}

/** `https://host:port` (or its `/fhir` base) and the client certificate mutual TLS requires. */
export function apiTarget(server: string, options: ConnectionOptions): ApiTarget {
  if (!URL.canParse(server) || new URL(server).protocol !== 'https:') {
    throw invalidInput(`--server must be the gateway's https:// URL, got "${server}"`);
  }
  if (!options.cert || !options.key) {
    throw invalidInput(
      '--server needs --cert and --key: the gateway requires a client certificate',
    );
  }
  const base = server.replace(/\/+$/, '');
  return {
    fhirBaseUrl: base.endsWith('/fhir') ? base : `${base}/fhir`,
    certPath: options.cert,
    keyPath: options.key,
    caPath: options.ca,
  };
}
