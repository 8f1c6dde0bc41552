import { readFileSync } from 'node:fs';
import type { Patient } from 'fhir/r4';
import type { Client, FhirResource } from 'fhir-kit-client';
import type { PatientId } from '@passerelle/domain';
import type { Demographics } from '@passerelle/record-management';
import { Agent } from 'undici';
import { CliError, EXIT, invalidInput, messageWithCause } from './cli-error';
import { loadFhirKitClient } from './fhir-kit-client-loader';
import type { OpenOutcome } from './record-output';
import { RecordView, recordViewOfPatient } from './record-view';
import type { ApiTarget, RecordsClient } from './records-client';

/** The gateway's FHIR API over mutual TLS, authenticated by the operator's certificate. */
export async function connectToGateway(target: ApiTarget): Promise<RecordsClient> {
  const { Client } = await loadFhirKitClient();
  const dispatcher = new Agent({ connect: tlsFiles(target) });
  const fhir: Fhir = {
    client: new Client({ baseUrl: target.fhirBaseUrl, requestOptions: { dispatcher } }),
    statusOf: (resource) => Client.httpFor(resource).response?.status,
  };
  const call = <T>(request: () => Promise<T>) => explainFailure(target.fhirBaseUrl, request);
  return {
    open: (patientId, demographics, byDefault) => {
      if (byDefault) throw operatorOnly('--by-default');
      return call(() => openRecord(fhir, patientId, demographics));
    },
    status: (patientId) => call(() => findRecord(fhir.client, patientId)),
    step: (patientId, step) => {
      if (step.kind !== 'close' && step.kind !== 'reopen') throw operatorOnly(step.kind);
      return call(async () => {
        if (!(await findRecord(fhir.client, patientId))) return undefined;
        await fhir.client.operation({
          name: `$${step.kind}`,
          resourceType: 'Patient',
          id: `${patientId.oid}-${patientId.value}`,
          input: {
            resourceType: 'Parameters',
            parameter: step.kind === 'close' ? [{ name: 'reason', valueString: step.reason }] : [],
          },
        });
        return findRecord(fhir.client, patientId);
      });
    },
    close: () => dispatcher.close(),
  };
}

/** No certificate acts as the operator: these steps are taken in the database only. */
function operatorOnly(what: string): CliError {
  return invalidInput(
    `${what} is an operator's step, taken in the database: run it without --server`,
  );
}

function tlsFiles(target: ApiTarget): { cert: Buffer; key: Buffer; ca?: Buffer } {
  return {
    cert: readOptionFile('--cert', target.certPath),
    key: readOptionFile('--key', target.keyPath),
    ...(target.caPath ? { ca: readOptionFile('--ca', target.caPath) } : {}),
  };
}

function readOptionFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw invalidInput(`Cannot read ${option} ${path}: ${messageWithCause(error)}`);
  }
}

interface Fhir {
  readonly client: Client;
  /** The HTTP status of the response a resource was read from. */
  statusOf(resource: FhirResource): number | undefined;
}

/** Conditional create: 201 when the record was opened, 200 when it already existed. */
async function openRecord(
  fhir: Fhir,
  patientId: PatientId,
  demographics: Demographics,
): Promise<OpenOutcome> {
  const created = await fhir.client.create({
    resourceType: 'Patient',
    body: patientResource(patientId, demographics) as unknown as FhirResource,
    options: { headers: { 'If-None-Exist': `identifier=${insToken(patientId)}` } },
  });
  return {
    view: recordViewOfPatient(created as unknown as Patient),
    created: fhir.statusOf(created) === 201,
  };
}

async function findRecord(client: Client, patientId: PatientId): Promise<RecordView | undefined> {
  const bundle = (await client.search({
    resourceType: 'Patient',
    searchParams: { identifier: insToken(patientId) },
  })) as unknown as { entry?: { resource?: Patient }[] };
  const patient = bundle.entry?.[0]?.resource;
  return patient && recordViewOfPatient(patient);
}

export function patientResource(patientId: PatientId, demographics: Demographics): Patient {
  const { family, given, birthDate, gender } = demographics;
  return {
    resourceType: 'Patient',
    identifier: [{ use: 'official', system: patientId.fhirSystem, value: patientId.value }],
    ...(family || given ? { name: [{ family, ...(given ? { given: [given] } : {}) }] } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(gender ? { gender: gender as Patient['gender'] } : {}),
  };
}

function insToken(patientId: PatientId): string {
  return `${patientId.fhirSystem}|${patientId.value}`;
}

async function explainFailure<T>(baseUrl: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw gatewayFailure(baseUrl, error);
  }
}

interface HttpFailure {
  readonly response: { readonly status: number; readonly data?: unknown };
}

const REJECTED_AS_INVALID = new Set([400, 412, 422]);

export function gatewayFailure(baseUrl: string, error: unknown): CliError {
  if (isHttpFailure(error)) {
    const { status, data } = error.response;
    const exitCode = REJECTED_AS_INVALID.has(status) ? EXIT.INVALID : EXIT.FAILURE;
    return new CliError(`The gateway answered HTTP ${status}: ${diagnostics(data)}`, exitCode);
  }
  return new CliError(`Cannot reach ${baseUrl}: ${networkMessage(error)}${tlsHint(error)}`);
}

/** undici's own message is always "fetch failed": the cause says what went wrong. */
function networkMessage(error: unknown): string {
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error ? cause.message : messageWithCause(error);
}

function isHttpFailure(error: unknown): error is HttpFailure {
  const response = (error as Partial<HttpFailure> | null)?.response;
  return typeof response?.status === 'number';
}

function diagnostics(data: unknown): string {
  const issues = (data as { issue?: { diagnostics?: string; code?: string }[] } | null)?.issue;
  const described = (issues ?? []).map((issue) => issue.diagnostics ?? issue.code).filter(Boolean);
  return described.length > 0 ? described.join('; ') : 'no details';
}

const UNTRUSTED_SERVER_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

function tlsHint(error: unknown): string {
  const code = ((error as { cause?: { code?: unknown } } | null)?.cause ?? {}).code;
  return typeof code === 'string' && UNTRUSTED_SERVER_CODES.has(code)
    ? " (pass the CA that issued the gateway's certificate with --ca)"
    : '';
}
