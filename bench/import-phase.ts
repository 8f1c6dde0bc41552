import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CONTENT_TYPE_CODE_SYSTEM } from '@passerelle/cda';
import { loadConfig } from '@passerelle/platform';
import { openBulkImport } from '../apps/cli/src/import/direct-bulk-import';
import { importingStructure } from '../apps/cli/src/import/import-identity';
import { importFile } from '../apps/cli/src/import/ndjson-import';
import { syntheticImportLines, syntheticPatient } from '../apps/cli/src/import/synthetic-import';
import type { FhirClient, TimedResponse } from './fhir-client';
import { round } from './latency';
import { NIR_TEST_SYSTEM, patientResource } from './fixtures';
import { PhaseContext, PhaseResult, timedPhase } from './phases';

export interface ImportPlan {
  readonly entries: number;
  /** Records the lines are spread over (one line each in turn). */
  readonly patients: number;
  /** ITI-67 searches on them afterwards, at concurrency 1 and at the bench's concurrency. */
  readonly searches: number;
}

export interface ImportResult {
  readonly entries: number;
  readonly patients: number;
  /** Opening the records through the gateway, before the import (not part of its time). */
  readonly recordsOpenedSeconds: number;
  readonly seconds: number;
  readonly entriesPerSecond: number;
  /** This process's CPU (user + system) per entry: parsing, checks, encryption, statements. */
  readonly cpuMsPerEntry: number;
  readonly refused: number;
  /** ITI-67 searches by patient over the imported records, once they are all in. */
  readonly searchesAfter: ImportedSearches | null;
}

export interface ImportedSearches {
  readonly documentsPerRecord: number;
  readonly serial: ReturnType<typeof searchReport>;
  readonly concurrent: ReturnType<typeof searchReport> & { readonly concurrency: number };
}

/**
 * `passerelle import` of a synthetic NDJSON file (1 KB documents, inline) into the gateway's
 * database, as the hospital's structure, in this process: the records are opened through the
 * gateway and the file written first; the import alone is timed. Then, if asked, ITI-67
 * searches by patient over the imported records.
 */
export async function measureBulkImport(
  server: { databaseUrl: string; kekFile: string; pkiDir: string },
  consult: FhirClient,
  context: PhaseContext,
  plan: ImportPlan,
): Promise<ImportResult> {
  const opened = await timedPhase(
    context,
    { label: 'import records', total: plan.patients, concurrency: context.concurrency },
    (index) => openImportedRecord(consult, context, index),
  );
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-bench-import-'));
  try {
    const file = join(dir, 'import.ndjson');
    await writeLines(file, syntheticImportLines(plan.entries, plan.patients));
    const actor = importingStructure({
      cert: join(server.pkiDir, 'hopital-org.pem'),
      key: join(server.pkiDir, 'hopital-org-key.pem'),
      ca: join(server.pkiDir, 'ca.pem'),
    });
    const config = loadConfig({
      DATABASE_URL: server.databaseUrl,
      KEK_FILE: server.kekFile,
      DATA_DIR: dir,
    });
    const { bulkImport, database } = await openBulkImport(config);
    let result: Omit<ImportResult, 'searchesAfter'>;
    try {
      const cpu = process.cpuUsage();
      const started = performance.now();
      const report = await importFile(file, actor, bulkImport, {
        sourceId: '1.2.250.1.999.7',
        contentTypeCode: { code: '07', codeSystem: CONTENT_TYPE_CODE_SYSTEM },
        batchSize: 1000,
        atomic: false,
      });
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      for (const refused of report.refused.slice(0, 5)) {
        context.errors.record(`import line ${refused.line}`, `${refused.code}: ${refused.message}`);
      }
      result = {
        entries: plan.entries,
        patients: plan.patients,
        recordsOpenedSeconds: round(opened.seconds),
        seconds,
        entriesPerSecond: report.imported / seconds,
        cpuMsPerEntry: (used.user + used.system) / 1000 / plan.entries,
        refused: report.refused.length,
      };
    } finally {
      await database.close();
    }
    const searchesAfter = plan.searches > 0 ? await searchImported(consult, context, plan) : null;
    return { ...result, searchesAfter };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function openImportedRecord(
  consult: FhirClient,
  context: PhaseContext,
  index: number,
): Promise<TimedResponse> {
  const { ins } = syntheticPatient(index);
  const opened = await consult.send('POST', '/fhir/Patient', patientResource(ins), {
    'if-none-exist': `identifier=${NIR_TEST_SYSTEM}|${ins}`,
  });
  if (opened.status >= 300) context.errors.record(`import patient ${ins}`, opened.text);
  return opened;
}

/** The lines to the file, as they are made: a million of them are not held in memory. */
async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(lines), createWriteStream(file));
}

/** Searches by patient over the imported records, spread over them all, alone then at c. */
async function searchImported(
  consult: FhirClient,
  context: PhaseContext,
  plan: ImportPlan,
): Promise<ImportedSearches> {
  const expected = Math.floor(plan.entries / plan.patients);
  const search = (label: string, concurrency: number) =>
    timedPhase(context, { label, total: plan.searches, concurrency }, (index) =>
      searchImportedRecord(consult, context, (index * 7919) % plan.patients, expected),
    );
  const serial = await search('import ITI-67 c=1', 1);
  const concurrent = await search(`import ITI-67 c=${context.concurrency}`, context.concurrency);
  return {
    documentsPerRecord: expected,
    serial: searchReport(serial),
    concurrent: { ...searchReport(concurrent), concurrency: context.concurrency },
  };
}

async function searchImportedRecord(
  consult: FhirClient,
  context: PhaseContext,
  patientIndex: number,
  expected: number,
): Promise<TimedResponse> {
  const { ins } = syntheticPatient(patientIndex);
  const token = encodeURIComponent(`${NIR_TEST_SYSTEM}|${ins}`);
  const response = await consult.send(
    'GET',
    `/fhir/DocumentReference?patient.identifier=${token}&status=current`,
  );
  const total =
    response.status === 200 ? (JSON.parse(response.text) as { total?: number }).total : undefined;
  if (total === undefined || total < expected) {
    context.errors.record(
      `import ITI-67 ${ins}`,
      `HTTP ${response.status}, total ${total}, expected at least ${expected}`,
    );
  }
  return response;
}

function searchReport(phase: PhaseResult) {
  const { p50, p99 } = phase.latency.summary();
  return {
    count: phase.requests,
    perSecond: phase.seconds > 0 ? round(phase.requests / phase.seconds, 1) : 0,
    p50Ms: p50,
    p99Ms: p99,
    serverCpuMsPerSearch:
      phase.cpu.server === null || phase.requests === 0
        ? null
        : round((phase.cpu.server * 1000) / phase.requests, 2),
  };
}
