import type { FhirExpectation } from './case-definition';
import { checkEqual, checkOneOf, checkSameBytes, describeChoice, listOf } from './expectations';
import { jsonPathValue } from './response-paths';
import type { HttpResponseRecord, Mismatch } from './results';

interface OperationOutcomeIssue {
  readonly diagnostics?: string;
  readonly details?: { readonly coding?: readonly { readonly code?: string }[] };
}

/** Reads files named by `sameContentAs`. */
export type ContentReader = (file: string) => Buffer;

/** Every way a FHIR answer differs from what the case expects (none: the step passes). */
export function checkFhirAnswer(
  expectation: FhirExpectation,
  response: HttpResponseRecord,
  readContent: ContentReader,
): Mismatch[] {
  const json = parsedJson(response.body);
  const body = json.ok ? json.value : undefined;
  const needsJson =
    expectation.resourceType !== undefined ||
    expectation.issueCode !== undefined ||
    expectation.diagnostics !== undefined ||
    expectation.total !== undefined ||
    expectation.values !== undefined;
  if (needsJson && !json.ok) {
    return [
      ...checkOneOf('HTTP status', expectation.status, response.status),
      { check: 'response body', expected: 'JSON', actual: preview(response.body) },
    ];
  }
  const issues = issuesOf(body);
  return [
    ...checkOneOf('HTTP status', expectation.status, response.status),
    ...checkOneOf(
      'resourceType',
      expectation.resourceType,
      jsonPathValue(body, 'resourceType') as string,
    ),
    ...checkIssueCode(expectation.issueCode, issues),
    ...checkDiagnostics(expectation.diagnostics, issues),
    ...(expectation.total === undefined
      ? []
      : checkEqual('Bundle.total', expectation.total, jsonPathValue(body, 'total'))),
    ...Object.entries(expectation.values ?? {}).flatMap(([path, expected]) =>
      checkEqual(path, expected, jsonPathValue(body, path) ?? null),
    ),
    ...checkContentType(expectation.contentType, response.headers['content-type']),
    ...(expectation.sameContentAs
      ? checkSameBytes('content', readContent(expectation.sameContentAs.file), response.body)
      : []),
  ];
}

function checkIssueCode(
  expected: string | readonly string[] | undefined,
  issues: readonly OperationOutcomeIssue[],
): Mismatch[] {
  if (expected === undefined) return [];
  const codes = issues.flatMap((issue) => (issue.details?.coding ?? []).map((c) => c.code ?? ''));
  const choices = listOf(expected);
  return codes.some((code) => choices.includes(code))
    ? []
    : [
        {
          check: 'OperationOutcome issue code',
          expected: describeChoice(choices),
          actual: codes.length > 0 ? codes.join(', ') : '(none)',
        },
      ];
}

function checkDiagnostics(
  pattern: string | undefined,
  issues: readonly OperationOutcomeIssue[],
): Mismatch[] {
  if (pattern === undefined) return [];
  const diagnostics = issues.map((issue) => issue.diagnostics ?? '');
  return diagnostics.some((text) => new RegExp(pattern).test(text))
    ? []
    : [
        {
          check: 'OperationOutcome diagnostics',
          expected: `matching /${pattern}/`,
          actual: diagnostics.length > 0 ? diagnostics.join(' | ') : '(none)',
        },
      ];
}

function checkContentType(expected: string | undefined, actual: string | undefined): Mismatch[] {
  if (expected === undefined || actual?.toLowerCase().startsWith(expected.toLowerCase())) return [];
  return [{ check: 'Content-Type', expected, actual: actual ?? '(none)' }];
}

function issuesOf(body: unknown): readonly OperationOutcomeIssue[] {
  const issues = jsonPathValue(body, 'issue');
  return Array.isArray(issues) ? (issues as OperationOutcomeIssue[]) : [];
}

function parsedJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function preview(body: Buffer): string {
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim();
  if (text.length === 0) return '(empty body)';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
