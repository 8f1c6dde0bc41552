import { Actor, decidePatientAccess } from '@passerelle/access-control';
import { nirWithKey } from '@passerelle/domain';
import {
  FileKeyEncryptionService,
  PostgresAccessStateStore,
  openDatabase,
} from '@passerelle/persistence';
import { performance } from 'node:perf_hooks';
import { LatencyRecorder, LatencySummary } from './latency';

export interface PolicyResult {
  readonly authorisationsOnRecord: number;
  readonly decisions: number;
  /** Loading the patient's access state and deciding, per request, in the gateway's process. */
  readonly decisionMs: LatencySummary;
}

const doctor = (idNat: string): Actor => ({
  kind: 'PS',
  idNat,
  structureIds: [],
  confirmedStructureIds: [],
  professionCode: '10',
  specialtyCode: 'SM26',
  purposeOfUse: 'normal',
  forbiddenActor: false,
  patientChannel: false,
});

/**
 * The cost of one access decision on a record holding `authorisations` authorisations: the
 * state read (one indexed query) plus the pure policy, measured directly against the database.
 */
export async function measurePolicyDecisions(
  { databaseUrl, kekFile }: { databaseUrl: string; kekFile: string },
  authorisations: number,
  decisions: number,
): Promise<PolicyResult> {
  const database = await openDatabase({
    databaseUrl,
    dataDir: '/nonexistent',
    poolSize: 1,
    keyEncryption: FileKeyEncryptionService.open(kekFile, { create: false }),
  });
  try {
    const patientKey = `${nirWithKey('1991299999999')}^^^&1.2.250.1.213.1.4.10&ISO`;
    await seedRecord(
      database.dataSource.query.bind(database.dataSource),
      patientKey,
      authorisations,
    );
    const store = new PostgresAccessStateStore(database.dataSource);
    const latency = new LatencyRecorder();
    for (let i = 0; i < decisions; i += 1) {
      const idNat = `8${String(10_000_000_000 + ((i * 7919) % authorisations)).padStart(11, '0')}`;
      const started = performance.now();
      const state = await store.load(patientKey, idNat, { actingFor: [], confirmed: [] });
      const decision = decidePatientAccess(doctor(idNat), state, 'document.consult');
      latency.add(performance.now() - started);
      if (!decision.allowed) throw new Error(`unexpected denial ${decision.reason}`);
    }
    return { authorisationsOnRecord: authorisations, decisions, decisionMs: latency.summary() };
  } finally {
    await database.close();
  }
}

async function seedRecord(
  query: (sql: string, params: unknown[]) => Promise<unknown>,
  patientKey: string,
  authorisations: number,
): Promise<void> {
  await query(
    `INSERT INTO patient_record (patient_key, ins_value, ins_oid, status, opened_at, opened_by)
     VALUES ($1, split_part($1, '^', 1), '1.2.250.1.213.1.4.10', 'open', now(), 'bench')
     ON CONFLICT DO NOTHING`,
    [patientKey],
  );
  await query(
    `INSERT INTO access_authorisation
       (patient_key, subject_id, state, express_consent, declared_by, declared_at)
     SELECT $1, '8' || lpad((10000000000 + n)::text, 11, '0'), 'valid', false, 'bench', now()
     FROM generate_series(0, $2 - 1) AS n
     ON CONFLICT DO NOTHING`,
    [patientKey, authorisations],
  );
}
