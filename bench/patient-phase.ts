import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { runConcurrently } from './concurrency';
import { FhirClient, TimedResponse } from './fhir-client';
import { NIR_TEST_SYSTEM, nirOf, patientResource, transactionBundle } from './fixtures';
import { AnonymousClient } from './patient-browser';
import { PatientAccount, PatientToken, PortalLogin } from './patient-login';
import { Outbox } from './patient-outbox';
import { PhaseContext, PhaseResult, timedPhase } from './phases';

export interface PatientChannelSettings {
  /** Patients opened and enrolled; each logs in once alone, then once among others. */
  readonly logins: number;
  /** Documents in the record whose list is measured. */
  readonly documents: number;
  /** First pages listed; the whole list is walked a tenth as many times. */
  readonly listQueries: number;
}

export interface PatientChannelResults {
  /** Login to token, one at a time, then at the bench's concurrency. */
  readonly loginToToken: PhaseResult;
  readonly loginToTokenConcurrent: PhaseResult & { readonly concurrency: number };
  readonly documentList: {
    readonly documents: number;
    readonly pageSize: number;
    readonly firstPage: PhaseResult;
    readonly wholeList: PhaseResult & { readonly pages: number };
  };
}

/** The patient's channel over TLS without a client certificate, and where his codes arrive. */
export interface PatientChannelAccess {
  readonly client: AnonymousClient;
  readonly outbox: Outbox;
}

interface BenchPatient extends PatientAccount {
  readonly nir: string;
}

/** Patients of their own, far from the MHD phases' indexes and below the XDS patient's. */
const PATIENT_CHANNEL_INDEX = 700_000_000;
/** The list never reads the content: small documents keep the feeding short. */
const LISTED_DOCUMENT_BYTES = 1024;
const DOCUMENTS_PER_BUNDLE = 10;
const PAGE_SIZE = 100;

/**
 * The patient's channel: patients opened with an e-mail and enrolled (not measured), their
 * login to token (measured), then one patient's record fed with `documents` documents and
 * listed with his token, first page and whole list, one request at a time.
 */
export async function runPatientChannelPhases(
  channel: PatientChannelAccess,
  push: FhirClient,
  consult: FhirClient,
  context: PhaseContext,
  settings: PatientChannelSettings,
): Promise<PatientChannelResults> {
  const login = await PortalLogin.discover(channel.client, channel.outbox);
  const patients = await openAndEnrol(consult, login, context, settings.logins);
  const tokens: PatientToken[] = [];
  const logIn = async (index: number) => (tokens[index] = await login.logIn(patients[index]));
  const loginToToken = await timedPhase(
    context,
    { label: 'patient login', total: patients.length, concurrency: 1 },
    logIn,
  );
  const loginToTokenConcurrent = await timedPhase(
    context,
    {
      label: `patient login c=${context.concurrency}`,
      total: patients.length,
      concurrency: context.concurrency,
    },
    logIn,
  );
  const [listed] = tokens;
  if (!listed) throw new Error('The patient whose documents are listed could not log in');
  await feedRecord(push, context, patients[0].nir, settings.documents);
  return {
    loginToToken,
    loginToTokenConcurrent: { ...loginToTokenConcurrent, concurrency: context.concurrency },
    documentList: await listDocuments(channel.client, context, listed, settings),
  };
}

/** Records opened by the médecin with the patient's e-mail, and each patient enrolled. */
async function openAndEnrol(
  consult: FhirClient,
  login: PortalLogin,
  context: PhaseContext,
  count: number,
): Promise<BenchPatient[]> {
  const { runId } = context.plan.oids;
  const first = PATIENT_CHANNEL_INDEX + (Number(runId) % 100_000) * 1000;
  const password = `Bench-${randomBytes(6).toString('hex')}-Pass`;
  const patients = Array.from({ length: count }, (_, index): BenchPatient => {
    const nir = nirOf(first + index);
    return {
      nir,
      email: `patient-${runId}-${index}@bench.invalid`,
      password,
      resourceId: `${NIR_TEST_SYSTEM.slice('urn:oid:'.length)}-${nir}`,
    };
  });
  await runConcurrently(
    count,
    context.concurrency,
    async (index) => {
      const patient = patients[index];
      const opened = await consult.send(
        'POST',
        '/fhir/Patient',
        patientResource(patient.nir, patient.email),
      );
      if (opened.status !== 201) {
        throw new Error(
          `Patient ${patient.nir}: HTTP ${opened.status} ${opened.text.slice(0, 500)}`,
        );
      }
      await login.enrol(patient);
    },
    context.interruption,
  );
  return patients;
}

/** ITI-65 with the hospital's ORG certificate, several documents per bundle (not measured). */
async function feedRecord(
  push: FhirClient,
  context: PhaseContext,
  nir: string,
  documents: number,
): Promise<void> {
  const { oids } = context.plan;
  const bundles = Math.ceil(documents / DOCUMENTS_PER_BUNDLE);
  await timedPhase(
    context,
    { label: 'patient documents', total: bundles, concurrency: context.concurrency },
    async (bundle) => {
      const first = bundle * DOCUMENTS_PER_BUNDLE;
      const count = Math.min(DOCUMENTS_PER_BUNDLE, documents - first);
      const body = transactionBundle({
        nir,
        submissionSetOid: oids.submissionSet(PATIENT_CHANNEL_INDEX + bundle),
        documentOids: Array.from({ length: count }, (_, k) =>
          oids.document(PATIENT_CHANNEL_INDEX + first + k),
        ),
        docSize: LISTED_DOCUMENT_BYTES,
      });
      const response = await push.send('POST', '/fhir', body);
      if (response.status !== 200) {
        context.errors.record(
          `Patient documents bundle ${bundle}: HTTP ${response.status}`,
          response.text,
        );
      }
      return response;
    },
  );
}

interface SearchSet {
  readonly total?: number;
  readonly entry?: readonly unknown[];
  readonly link?: readonly { readonly relation: string; readonly url: string }[];
}

/** ITI-67 by the patient with his token: the first page, then every page following `next`. */
async function listDocuments(
  client: AnonymousClient,
  context: PhaseContext,
  token: PatientToken,
  settings: PatientChannelSettings,
): Promise<PatientChannelResults['documentList']> {
  const headers = { authorization: `Bearer ${token.accessToken}` };
  const firstPath = `/fhir/DocumentReference?patient=Patient/${token.patient}&_count=${PAGE_SIZE}`;
  const expected = settings.documents;
  const page = async (path: string) => {
    const answer = await client.send('GET', path, headers);
    if (answer.status !== 200)
      throw new Error(`HTTP ${answer.status} ${answer.text.slice(0, 500)}`);
    return JSON.parse(answer.text) as SearchSet;
  };
  const firstPage = await timedPhase(
    context,
    { label: 'patient list page 1', total: settings.listQueries, concurrency: 1 },
    async (): Promise<TimedResponse> => {
      const started = performance.now();
      const bundle = await page(firstPath);
      const milliseconds = performance.now() - started;
      const entries = bundle.entry?.length ?? 0;
      if (bundle.total !== expected || entries !== Math.min(PAGE_SIZE, expected)) {
        throw new Error(
          `First page: total ${bundle.total}, ${entries} entries, expected ${expected}`,
        );
      }
      return { status: 200, milliseconds };
    },
  );
  let pages = 0;
  const wholeList = await timedPhase(
    context,
    { label: 'patient list whole', total: Math.ceil(settings.listQueries / 10), concurrency: 1 },
    async (): Promise<TimedResponse> => {
      const started = performance.now();
      let listed = 0;
      let path: string | undefined = firstPath;
      for (pages = 0; path !== undefined; pages += 1) {
        const bundle = await page(path);
        listed += bundle.entry?.length ?? 0;
        const next = bundle.link?.find((link) => link.relation === 'next')?.url;
        path = next === undefined ? undefined : pathOf(next);
      }
      const milliseconds = performance.now() - started;
      if (listed !== expected)
        throw new Error(`Whole list: ${listed} documents, expected ${expected}`);
      return { status: 200, milliseconds };
    },
  );
  return {
    documents: expected,
    pageSize: PAGE_SIZE,
    firstPage,
    wholeList: { ...wholeList, pages },
  };
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}
