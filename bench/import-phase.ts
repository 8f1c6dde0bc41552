import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CONTENT_TYPE_CODE_SYSTEM } from '@passerelle/cda';
import { loadConfig } from '@passerelle/platform';
import { openBulkImport } from '../apps/cli/src/import/direct-bulk-import';
import { importingStructure } from '../apps/cli/src/import/import-identity';
import { importFile } from '../apps/cli/src/import/ndjson-import';
import { syntheticImportLines, syntheticPatient } from '../apps/cli/src/import/synthetic-import';
import type { FhirClient } from './fhir-client';
import { NIR_TEST_SYSTEM, patientResource } from './fixtures';
import type { PhaseContext } from './phases';

export interface ImportResult {
  readonly entries: number;
  readonly patients: number;
  readonly seconds: number;
  readonly entriesPerSecond: number;
  /** This process's CPU (user + system) per entry: parsing, checks, encryption, statements. */
  readonly cpuMsPerEntry: number;
  readonly refused: number;
}

/** Spread over few records, as an establishment's registry migrates its patients. */
const IMPORT_PATIENTS = 3;

/**
 * `passerelle import` of a synthetic NDJSON file (1 KB documents, inline) into the gateway's
 * database, as the hospital's structure, in this process: the file is written first, the
 * records opened through the gateway; the import alone is timed.
 */
export async function measureBulkImport(
  server: { databaseUrl: string; kekFile: string; pkiDir: string },
  consult: FhirClient,
  context: PhaseContext,
  entries: number,
): Promise<ImportResult> {
  for (let index = 0; index < IMPORT_PATIENTS; index++) {
    const { ins } = syntheticPatient(index);
    const opened = await consult.send('POST', '/fhir/Patient', patientResource(ins), {
      'if-none-exist': `identifier=${NIR_TEST_SYSTEM}|${ins}`,
    });
    if (opened.status >= 300) context.errors.record(`import patient ${ins}`, opened.text);
  }
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-bench-import-'));
  try {
    const file = join(dir, 'import.ndjson');
    writeFileSync(file, [...syntheticImportLines(entries, IMPORT_PATIENTS)].join(''));
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
      return {
        entries,
        patients: IMPORT_PATIENTS,
        seconds,
        entriesPerSecond: report.imported / seconds,
        cpuMsPerEntry: (used.user + used.system) / 1000 / entries,
        refused: report.refused.length,
      };
    } finally {
      await database.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
