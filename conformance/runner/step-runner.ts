import type {
  CaseDefinition,
  FhirExpectation,
  FhirStep,
  Step,
  XdsExpectation,
  XdsStep,
} from './case-definition';
import { isXdsStep } from './case-definition';
import { FhirKitClientClass, fhirExchange } from './fhir-exchange';
import { ContentReader, checkFhirAnswer } from './fhir-expectations';
import { exchange } from './http-exchange';
import type { Identities } from './identities';
import { jsonOf, jsonPathValue, xdsPathValue } from './response-paths';
import type { Exchange, Mismatch, StepResult } from './results';
import { readSoapAnswer } from './soap-answer';
import { SourceContext, sourceJson } from './sources';
import { SuiteRoots, readCaseFile } from './suite-files';
import { StepVariables, expandJson, expandText } from './variables';
import { checkXdsAnswer } from './xds-expectations';
import { XDS_TRANSACTION_BINDINGS, xdsRequestBody } from './xds-request';

export interface TargetEndpoints {
  readonly fhir: string;
  readonly registry: string;
  readonly repository: string;
}

/** What every step of a run shares. */
export interface RunContext {
  readonly roots: SuiteRoots;
  readonly endpoints: TargetEndpoints;
  readonly identities: Identities;
  readonly FhirClient: FhirKitClientClass;
}

interface StepOutput {
  readonly exchange: Exchange;
  readonly mismatches: readonly Mismatch[];
  readonly captured: ReadonlyMap<string, string>;
}

/**
 * Runs one step: builds its request from the case's data and the variables in `scope`, sends it,
 * checks the answer, and adds what the step drew or captured to `scope` for the next steps.
 */
export async function runStep(
  step: Step,
  definition: CaseDefinition,
  scope: Map<string, string>,
  context: RunContext,
): Promise<StepResult> {
  const variables = new StepVariables(scope);
  const sources: SourceContext = { caseDir: definition.dir, roots: context.roots, variables };
  const readContent: ContentReader = (file) => readCaseFile(file, definition.dir, context.roots);
  let output: StepOutput;
  try {
    output = isXdsStep(step)
      ? await runXdsStep(step, sources, readContent, context)
      : await runFhirStep(step, sources, readContent, context);
  } catch (error) {
    return stepResult(
      step,
      [],
      [{ check: 'case definition', expected: 'a runnable step', actual: (error as Error).message }],
    );
  }
  for (const [name, value] of [...variables.exported(step.id), ...output.captured]) {
    scope.set(name, value);
  }
  return stepResult(step, [output.exchange], output.mismatches);
}

function stepResult(
  step: Step,
  exchanges: Exchange[],
  mismatches: readonly Mismatch[],
): StepResult {
  return {
    id: step.id,
    title: step.title,
    transaction: step.transaction,
    outcome: mismatches.length === 0 ? 'passed' : 'failed',
    mismatches,
    exchanges,
  };
}

async function runXdsStep(
  step: XdsStep,
  sources: SourceContext,
  readContent: ContentReader,
  context: RunContext,
): Promise<StepOutput> {
  const http = xdsRequestBody(step, sources);
  const url = context.endpoints[XDS_TRANSACTION_BINDINGS[step.transaction].endpoint];
  const sent = await exchange(
    { method: 'POST', url, headers: { 'content-type': http.contentType }, body: http.body },
    context.identities.dispatcher(step.as ?? 'feeder'),
  );
  if (!sent.response) return noAnswer(sent);
  const answer = readSoapAnswer(sent.response);
  const expectation = expandJson(step.expect, sources.variables) as XdsExpectation;
  const mismatches = checkXdsAnswer(expectation, sent.response.status, answer, readContent);
  const body = answer.body;
  return withCaptures(sent, mismatches, step.capture, (path) =>
    body ? xdsPathValue(body, path) : undefined,
  );
}

async function runFhirStep(
  step: FhirStep,
  sources: SourceContext,
  readContent: ContentReader,
  context: RunContext,
): Promise<StepOutput> {
  const { variables } = sources;
  const path = expandText(step.fhir.path ?? '', variables, 'url');
  const url = step.fhir.url
    ? expandText(step.fhir.url, variables, 'none')
    : `${context.endpoints.fhir}${path ? `/${path}` : ''}`;
  const body = step.fhir.body ? sourceJson(step.fhir.body, sources) : undefined;
  const headers = {
    ...(body === undefined
      ? {}
      : {
          'content-type':
            typeof body === 'string' ? 'application/fhir+xml' : 'application/fhir+json',
        }),
    ...(expandJson(step.fhir.headers ?? {}, variables) as Record<string, string>),
  };
  const dispatcher = context.identities.dispatcher(step.as ?? 'feeder');
  // An attachment (ITI-68) is not a FHIR resource: read its bytes as they are.
  const sent =
    step.transaction === 'ITI-68'
      ? await exchange({ method: step.fhir.method, url, headers }, dispatcher)
      : await fhirExchange(context.FhirClient, dispatcher, {
          baseUrl: context.endpoints.fhir,
          method: step.fhir.method,
          url,
          headers,
          body,
        });
  if (!sent.response) return noAnswer(sent);
  const expectation = expandJson(step.expect, variables) as FhirExpectation;
  const mismatches = checkFhirAnswer(expectation, sent.response, readContent);
  const answer = jsonOf(sent.response.body);
  return withCaptures(sent, mismatches, step.capture, (path) => {
    const value = jsonPathValue(answer, path);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  });
}

function noAnswer(sent: Exchange): StepOutput {
  return {
    exchange: sent,
    mismatches: [
      { check: 'exchange', expected: 'an HTTP response', actual: sent.error ?? '(none)' },
    ],
    captured: new Map(),
  };
}

/** Captures are taken from a passing answer only; a capture that finds nothing fails the step. */
function withCaptures(
  sent: Exchange,
  mismatches: readonly Mismatch[],
  captures: Readonly<Record<string, string>> | undefined,
  valueAt: (path: string) => string | undefined,
): StepOutput {
  const captured = new Map<string, string>();
  if (mismatches.length > 0 || !captures) return { exchange: sent, mismatches, captured };
  const missing: Mismatch[] = [];
  for (const [name, path] of Object.entries(captures)) {
    const value = valueAt(path);
    if (value === undefined) {
      missing.push({ check: `capture ${name}`, expected: `a value at ${path}`, actual: '(none)' });
    } else {
      captured.set(name, value);
    }
  }
  return { exchange: sent, mismatches: missing, captured };
}
