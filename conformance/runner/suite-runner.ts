import { performance } from 'node:perf_hooks';
import type { CaseDefinition, PatientSpec, Requirement } from './case-definition';
import { loadCases } from './case-loader';
import { runOrder } from './case-order';
import { FhirKitClientClass, fhirExchange } from './fhir-exchange';
import { checkOneOf } from './expectations';
import { Identities, IdentityOptions } from './identities';
import { TestPatient, patientFor, patientVariables } from './patients';
import { jsonOf, jsonPathValue } from './response-paths';
import type { CaseResult, StepResult, SuiteResult } from './results';
import { RunContext, TargetEndpoints, runStep } from './step-runner';
import type { SuiteRoots } from './suite-files';

export interface RunOptions {
  /** What the reports call the target (its base URL). */
  readonly target: string;
  readonly endpoints: TargetEndpoints;
  readonly identities: Omit<IdentityOptions, 'timeoutMs'>;
  readonly timeoutMs: number;
  /** `--only` patterns; empty runs everything. */
  readonly only: readonly string[];
  readonly roots: SuiteRoots;
  readonly onCaseStart?: (definition: CaseDefinition, index: number, total: number) => void;
  readonly onCaseDone?: (result: CaseResult, index: number, total: number) => void;
}

/**
 * Runs the selected cases against the target, each after the cases it depends on, and returns
 * what happened to each. A case is never passed unless every one of its steps passed.
 */
export async function runSuite(
  options: RunOptions,
  FhirClient: FhirKitClientClass,
): Promise<SuiteResult> {
  const startedAt = new Date();
  const started = performance.now();
  const order = runOrder(loadCases(options.roots), options.only);
  const identities = new Identities({ ...options.identities, timeoutMs: options.timeoutMs });
  const context: RunContext = {
    roots: options.roots,
    endpoints: options.endpoints,
    identities,
    FhirClient,
  };
  const capabilities = new TargetCapabilities(context);
  const results = new Map<string, CaseResult>();
  const exports = new Map<string, ReadonlyMap<string, string>>();
  try {
    for (const [index, definition] of order.entries()) {
      options.onCaseStart?.(definition, index, order.length);
      const caseStarted = performance.now();
      const reason = await skipReason(definition, results, identities, capabilities);
      const scope = inheritedScope(definition, exports);
      const outcome = reason
        ? { steps: [], outcome: 'skipped' as const, reason }
        : await runCase(definition, scope, context);
      const result: CaseResult = {
        id: definition.id,
        title: definition.title,
        origin: definition.origin,
        description: definition.description,
        ...outcome,
        durationMs: performance.now() - caseStarted,
      };
      results.set(definition.id, result);
      if (result.outcome === 'passed') exports.set(definition.id, scope);
      options.onCaseDone?.(result, index, order.length);
    }
  } finally {
    await identities.close();
  }
  return {
    target: options.target,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
    cases: [...results.values()],
  };
}

async function runCase(
  definition: CaseDefinition,
  scope: Map<string, string>,
  context: RunContext,
): Promise<Pick<CaseResult, 'steps' | 'outcome'>> {
  const steps: StepResult[] = [];
  for (const [symbol, spec] of Object.entries(definition.patients ?? {})) {
    const patient = patientFor(normalised(spec));
    for (const [name, value] of patientVariables(symbol, patient)) scope.set(name, value);
    if (normalised(spec).record !== 'open') continue;
    const opened = await openRecord(symbol, patient, scope, context);
    steps.push(opened);
    if (opened.outcome === 'failed') return { steps, outcome: 'failed' };
  }
  for (const step of definition.steps) {
    const result = await runStep(step, definition, scope, context);
    steps.push(result);
    if (result.outcome === 'failed') return { steps, outcome: 'failed' };
  }
  return { steps, outcome: 'passed' };
}

function normalised(spec: PatientSpec | 'open' | 'unknown'): PatientSpec {
  return typeof spec === 'string' ? { record: spec } : spec;
}

/**
 * The precondition every feeding case needs: the patient's record open, by conditional create
 * of a Patient with its INS (`If-None-Exist`) as the consulting professional. Its server id
 * becomes `<symbol>.resourceId`.
 */
async function openRecord(
  symbol: string,
  patient: TestPatient,
  scope: Map<string, string>,
  context: RunContext,
): Promise<StepResult> {
  const system = `urn:oid:${patient.oid}`;
  const sent = await fhirExchange(context.FhirClient, context.identities.dispatcher('consumer'), {
    baseUrl: context.endpoints.fhir,
    method: 'POST',
    url: `${context.endpoints.fhir}/Patient`,
    headers: {
      'content-type': 'application/fhir+json',
      'if-none-exist': `identifier=${system}|${patient.nir}`,
    },
    body: { resourceType: 'Patient', identifier: [{ system, value: patient.nir }] },
  });
  const resourceId = sent.response ? jsonPathValue(jsonOf(sent.response.body), 'id') : undefined;
  const mismatches = sent.response
    ? checkOneOf('HTTP status', [200, 201], sent.response.status)
    : [{ check: 'exchange', expected: 'an HTTP response', actual: sent.error ?? '(none)' }];
  if (typeof resourceId === 'string') scope.set(`${symbol}.resourceId`, resourceId);
  return {
    id: `open-record-${symbol}`,
    title: `Open the record of ${symbol} (INS ${patient.nir})`,
    transaction: 'precondition',
    outcome: mismatches.length === 0 ? 'passed' : 'failed',
    mismatches,
    exchanges: [sent],
  };
}

/** Variables of the cases this one depends on (later dependencies win on equal names). */
function inheritedScope(
  definition: CaseDefinition,
  exports: ReadonlyMap<string, ReadonlyMap<string, string>>,
): Map<string, string> {
  const scope = new Map<string, string>();
  for (const dependency of definition.dependsOn ?? []) {
    for (const [name, value] of exports.get(dependency) ?? []) scope.set(name, value);
  }
  return scope;
}

async function skipReason(
  definition: CaseDefinition,
  results: ReadonlyMap<string, CaseResult>,
  identities: Identities,
  capabilities: TargetCapabilities,
): Promise<string | undefined> {
  for (const dependency of definition.dependsOn ?? []) {
    const outcome = results.get(dependency)?.outcome;
    if (outcome !== 'passed') {
      return `depends on ${dependency}, which ${outcome === 'failed' ? 'failed' : 'was skipped'}`;
    }
  }
  const roles = new Set(definition.steps.map((step) => step.as ?? 'feeder'));
  for (const role of roles) {
    if (!identities.has(role)) {
      return `needs the ${role} identity (a --pki-dir holding ${role.replace(/^persona:/, '')}.pem)`;
    }
  }
  for (const requirement of definition.requires ?? []) {
    const missing = await capabilities.missing(requirement);
    if (missing) return missing;
  }
  return undefined;
}

/** What the target declares it supports, read once from its CapabilityStatement. */
class TargetCapabilities {
  private statement?: Promise<{ formats: string[] } | { error: string }>;

  constructor(private readonly context: RunContext) {}

  async missing(requirement: Requirement): Promise<string | undefined> {
    const statement = await (this.statement ??= this.read());
    if ('error' in statement) {
      return `needs ${requirement}; the CapabilityStatement could not be read (${statement.error})`;
    }
    return statement.formats.some((format) => /xml/.test(format))
      ? undefined
      : `needs FHIR XML; the target's CapabilityStatement.format declares only ${statement.formats.join(', ') || 'nothing'}`;
  }

  private async read(): Promise<{ formats: string[] } | { error: string }> {
    const { endpoints, identities, FhirClient } = this.context;
    const sent = await fhirExchange(FhirClient, identities.dispatcher('consumer'), {
      baseUrl: endpoints.fhir,
      method: 'GET',
      url: `${endpoints.fhir}/metadata`,
      headers: {},
    });
    if (!sent.response || sent.response.status !== 200) {
      return { error: sent.error ?? `HTTP ${sent.response?.status}` };
    }
    const formats = jsonPathValue(jsonOf(sent.response.body), 'format');
    return { formats: Array.isArray(formats) ? formats.map(String) : [] };
  }
}
