import {
  Actor,
  HabilitationMatrix,
  HabilitationMatrixFile,
  HabilitationRule,
  PatientAccessState,
  PatientAction,
  DocumentFacts,
  canSeeDocument,
  decidePatientAccess,
  visibilityFilter,
} from '@passerelle/access-control';
import { Coded, RESTRICTION_CODE_SYSTEM, codeKey } from '@passerelle/domain';
import fc from 'fast-check';
import { Client } from 'pg';
import defaultMatrixJson from '../fixtures/access/habilitation-matrix.json';
import { Conditions, visibilityClause } from '@passerelle/persistence';

/**
 * The visibility rule exists twice: canSeeDocument (TypeScript, used on retrieve and on every
 * single document) and visibilityFilter + visibilityClause (SQL, used by searches so that hidden
 * documents are not even counted). Both are evaluated on the same generated documents, the SQL
 * one by real PostgreSQL over a VALUES list with the document_entry column types, and must
 * select the same documents.
 */

const RUNS = 1000;
const MAX_DOCUMENTS = 12;

const defaultMatrixFile = defaultMatrixJson as HabilitationMatrixFile;
const LOINC = '2.16.840.1.113883.6.1';
const OTHER_TYPE_SYSTEM = '1.2.250.1.213.1.1.4.12';
const CONFIDENTIALITY_SYSTEM = '2.16.840.1.113883.5.25';

/** The default matrix's type codes, and one it does not mention. */
const TYPE_CODES = [...Object.keys(defaultMatrixJson.typeCodes), '47420-5'];
/** TRE_G15: médecin, pharmacien, infirmier, sage-femme, and one without any rule. */
const PROFESSIONS = ['10', '21', '60', '50', '99'];
const SPECIALTIES = ['SM26', 'SM25'];
/** Persons and structures; small, so that the actor often authored some of the documents. */
const ID_POOL = ['810001234567', '810009876543', '1750000001', '3123456789', 'id, "quoted" {x}'];

const CONFIDENTIALITY_CODES: readonly Coded[] = [
  { code: 'N', codeSystem: CONFIDENTIALITY_SYSTEM },
  { code: 'MASQUE_PS', codeSystem: RESTRICTION_CODE_SYSTEM },
  { code: 'INVISIBLE_PATIENT', codeSystem: RESTRICTION_CODE_SYSTEM },
  { code: 'INVISIBLE_REPRESENTANTS_LEGAUX', codeSystem: RESTRICTION_CODE_SYSTEM },
  // A restriction code in the wrong system restricts nothing.
  { code: 'MASQUE_PS', codeSystem: CONFIDENTIALITY_SYSTEM },
];

const weighted = <T>(often: T, rarely: T, oddsOften = 4) =>
  fc.oneof(
    { arbitrary: fc.constant(often), weight: oddsOften },
    { arbitrary: fc.constant(rarely), weight: 1 },
  );

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const actorArb: fc.Arbitrary<Actor> = fc.record({
  kind: weighted<Actor['kind']>('PS', 'ORG'),
  idNat: fc.constantFrom(...ID_POOL),
  structureIds: fc.subarray(ID_POOL, { maxLength: 2 }),
  confirmedStructureIds: fc.subarray(ID_POOL, { maxLength: 1 }),
  professionCode: optional(fc.constantFrom(...PROFESSIONS)),
  specialtyCode: optional(fc.constantFrom(...SPECIALTIES)),
  purposeOfUse: fc.constantFrom<Actor['purposeOfUse']>('normal', 'bris_de_glace', 'centre_15'),
  accessReason: optional(fc.constantFrom('urgence vitale', '  ')),
  forbiddenActor: weighted(false, true, 9),
  patientChannel: weighted(false, true, 2),
  legalRepresentative: optional(fc.boolean()),
});

const stateArb: fc.Arbitrary<PatientAccessState> = fc.record({
  recordStatus: fc.oneof(
    { arbitrary: fc.constant<PatientAccessState['recordStatus']>('open'), weight: 6 },
    { arbitrary: fc.constant<PatientAccessState['recordStatus']>('closed'), weight: 1 },
    { arbitrary: fc.constant<PatientAccessState['recordStatus']>(undefined), weight: 1 },
  ),
  authorisation: fc.constantFrom<PatientAccessState['authorisation']>(
    'none',
    'valid',
    'expired',
    'forbidden',
  ),
  expressConsent: fc.boolean(),
  blocked: weighted(false, true),
  medecinTraitant: fc.boolean(),
  emergencyConsents: fc.record({
    centre15: fc.boolean(),
    otherProfessionals: fc.boolean(),
    maskedDocuments: fc.boolean(),
  }),
});

const documentArb: fc.Arbitrary<DocumentFacts> = fc.record({
  typeCode: fc.record({
    code: fc.constantFrom(...TYPE_CODES),
    codeSystem: weighted(LOINC, OTHER_TYPE_SYSTEM),
  }),
  confidentialityCodes: fc.subarray([...CONFIDENTIALITY_CODES]),
  status: fc.constantFrom<DocumentFacts['status']>('Approved', 'Archived', 'Deprecated', 'Deleted'),
  authorIds: fc.subarray(ID_POOL, { maxLength: 3 }),
});

const documentsArb = fc.array(documentArb, { minLength: 1, maxLength: MAX_DOCUMENTS });

const ruleArb: fc.Arbitrary<HabilitationRule> = fc.record({
  profession: fc.constantFrom(...PROFESSIONS),
  specialty: optional(fc.constantFrom(...SPECIALTIES)),
  types: fc.oneof(
    { arbitrary: fc.constant<'*'>('*'), weight: 1 },
    { arbitrary: fc.subarray(TYPE_CODES), weight: 3 },
  ),
});

/** Every action: ITI-57 checks canSeeDocument under a document.update / document.delete grant. */
const actionArb = fc.constantFrom<PatientAction>(
  'record.status',
  'record.open',
  'record.manage',
  'consent.manage',
  'consent.manage',
  'audit.read',
  'document.provide',
  'document.consult',
  'document.update',
  'document.delete',
);

const matrixArb = fc
  .array(ruleArb, { maxLength: 6 })
  .map((rules) => new HabilitationMatrix({ version: 'generated', rules }));

/** How many cases reached the document rules, and how many documents each side kept. */
interface Tally {
  cases: number;
  allowedCases: number;
  /** Allowed cases of an establishment's system (not the patient's channel). */
  allowedOrgCases: number;
  visible: number;
  hidden: number;
}

const newTally = (): Tally => ({
  cases: 0,
  allowedCases: 0,
  allowedOrgCases: 0,
  visible: 0,
  hidden: 0,
});

describe('document visibility: canSeeDocument (TypeScript) agrees with visibilityClause (SQL)', () => {
  let database: Client;

  beforeAll(async () => {
    database = new Client({ connectionString: process.env.PASSERELLE_TEST_DATABASE_URL });
    await database.connect();
  });

  afterAll(async () => {
    await database.end();
  });

  /** The documents the SQL clause keeps, in one query over the documents as a VALUES list. */
  async function sqlVisible(
    actor: Actor,
    state: PatientAccessState,
    decision: ReturnType<typeof decidePatientAccess>,
    documents: readonly DocumentFacts[],
    matrix: HabilitationMatrix,
  ): Promise<number[]> {
    const c = new Conditions();
    const rows = documents.map(
      (document, id) =>
        `(${c.param(id)}::int, ${c.param(document.authorIds)}::text[], ${c.param(
          document.status,
        )}::text, ${c.param(document.confidentialityCodes.map(codeKey))}::text[], ${c.param(
          codeKey(document.typeCode),
        )}::text)`,
    );
    const clause = visibilityClause(c, visibilityFilter(actor, state, decision, matrix));
    const result = await database.query<{ id: number }>(
      `SELECT id FROM (VALUES ${rows.join(', ')})
         AS d(id, author_ids, status, confidentiality_keys, type_key)
       WHERE ${clause} ORDER BY id`,
      c.params,
    );
    return result.rows.map((row) => row.id);
  }

  async function agree(
    tally: Tally,
    actor: Actor,
    state: PatientAccessState,
    documents: readonly DocumentFacts[],
    matrix: HabilitationMatrix,
    action: PatientAction = 'document.consult',
  ): Promise<void> {
    tally.cases++;
    const decision = decidePatientAccess(actor, state, action);
    const seen = documents.map((document) =>
      canSeeDocument(actor, state, decision, document, matrix),
    );
    if (!decision.allowed) {
      // Denied at patient level: the caller gets the denial, and no document is visible.
      expect(seen.filter((d) => d.allowed)).toEqual([]);
      return;
    }
    tally.allowedCases++;
    if (actor.kind === 'ORG' && !actor.patientChannel) tally.allowedOrgCases++;
    const expected = seen.flatMap((d, id) => (d.allowed ? [id] : []));
    tally.visible += expected.length;
    tally.hidden += documents.length - expected.length;
    expect(await sqlVisible(actor, state, decision, documents, matrix)).toEqual(expected);
  }

  /** Enough cases reached the document rules, and both outcomes happened often. */
  function expectMeaningful(tally: Tally): void {
    expect(tally.cases).toBe(RUNS);
    expect(tally.allowedCases).toBeGreaterThan(RUNS / 4);
    expect(tally.visible).toBeGreaterThan(RUNS / 2);
    expect(tally.hidden).toBeGreaterThan(RUNS / 2);
  }

  it('with the default habilitation matrix', async () => {
    const matrix = new HabilitationMatrix(defaultMatrixFile);
    const tally = newTally();
    await fc.assert(
      fc.asyncProperty(actorArb, stateArb, documentsArb, (actor, state, documents) =>
        agree(tally, actor, state, documents, matrix),
      ),
      { numRuns: RUNS },
    );
    expectMeaningful(tally);
  });

  it('with generated habilitation matrices', async () => {
    const tally = newTally();
    await fc.assert(
      fc.asyncProperty(
        actorArb,
        stateArb,
        documentsArb,
        matrixArb,
        (actor, state, documents, matrix) => agree(tally, actor, state, documents, matrix),
      ),
      { numRuns: RUNS },
    );
    expectMeaningful(tally);
  });

  // Under document.consult an establishment's system is always denied at patient level, so
  // the onlyAuthored branch is only reached through the grants of other actions.
  it("with every action's grant (the default matrix)", async () => {
    const matrix = new HabilitationMatrix(defaultMatrixFile);
    const tally = newTally();
    await fc.assert(
      fc.asyncProperty(
        actorArb,
        stateArb,
        documentsArb,
        actionArb,
        (actor, state, documents, action) => agree(tally, actor, state, documents, matrix, action),
      ),
      { numRuns: RUNS },
    );
    expectMeaningful(tally);
    expect(tally.allowedOrgCases).toBeGreaterThan(RUNS / 50);
  });
});
