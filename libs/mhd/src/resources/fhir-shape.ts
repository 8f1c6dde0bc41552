import { DomainError, ErrorCode, ErrorDetail, excerpt } from '@passerelle/domain';
import type { z } from 'zod';

/** At most this many shape problems are reported of one request (the first ones found). */
export const MAX_SHAPE_ISSUES = 100;

export type ShapeIssueCode = 'structure' | 'required' | 'value';

export interface ShapeIssue {
  readonly code: ShapeIssueCode;
  /** FHIRPath-like: `Bundle.entry[3].resource.content[0].attachment.contentType`. */
  readonly location: string;
  readonly message: string;
}

export type Shaped<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly ShapeIssue[] };

/** `value` checked against `shape`: the value as the shape types it, or every problem found. */
export function shapeOf<S extends z.ZodType>(
  shape: S,
  value: unknown,
  root: string,
): Shaped<z.output<S>> {
  const result = shape.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.slice(0, MAX_SHAPE_ISSUES).map((issue) => shapeIssue(issue, root)),
  };
}

const ERROR_CODES: Record<ShapeIssueCode, ErrorCode> = {
  structure: 'MALFORMED_REQUEST',
  required: 'METADATA_MISSING',
  value: 'METADATA_INVALID',
};

/** What a request (or an imported line) must be: one resource of a type, said how if not. */
export interface ExpectedResource {
  readonly resourceType: string;
  /** How the expected resource is named in a refusal: `a transaction Bundle`. */
  readonly described: string;
  /** The refusal of a value that is no FHIR resource at all. */
  readonly notAResource: string;
}

/**
 * The value as one FHIR resource of the expected type, as `shape` types it: no object is
 * MALFORMED_REQUEST, another resource type INVALID_RESOURCE, a wrong shape as `checkedShape` says.
 */
export function checkedResource<S extends z.ZodType>(
  shape: S,
  value: unknown,
  expected: ExpectedResource,
  root: string,
): z.output<S> {
  const resource = value as { resourceType?: unknown } | null;
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    throw new DomainError('MALFORMED_REQUEST', expected.notAResource);
  }
  if (resource.resourceType !== expected.resourceType) {
    throw new DomainError(
      'INVALID_RESOURCE',
      `Expected ${expected.described}, got resourceType ${excerpt(String(resource.resourceType))}`,
    );
  }
  return checkedShape(shape, value, root);
}

/** The value as `shape` types it; otherwise a 400 listing every problem, each where it is. */
export function checkedShape<S extends z.ZodType>(
  shape: S,
  value: unknown,
  root: string,
): z.output<S> {
  const shaped = shapeOf(shape, value, root);
  if (shaped.ok) return shaped.value;
  throw DomainError.of(
    shaped.issues.map((issue): ErrorDetail => ({
      code: ERROR_CODES[issue.code],
      message: issue.message,
      location: issue.location,
    })),
  );
}

function shapeIssue(issue: z.core.$ZodIssue, root: string): ShapeIssue {
  const location = locationOf(root, issue.path);
  const code = codeOf(issue);
  const message = code === 'required' ? `${location} is required` : `${location}: ${issue.message}`;
  return { code, location, message };
}

/**
 * Missing where required; of another JSON kind (FHIR: `structure`: an object or `null` where a
 * code is due too); a bad value otherwise.
 */
function codeOf(issue: z.core.$ZodIssue): ShapeIssueCode {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'required';
    return issue.expected === 'int' ? 'value' : 'structure';
  }
  if (issue.code === 'invalid_value' && typeof issue.input === 'object') return 'structure';
  return issue.code === 'invalid_union' || issue.code === 'unrecognized_keys'
    ? 'structure'
    : 'value';
}

function locationOf(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (location, key) =>
      typeof key === 'number' ? `${location}[${key}]` : `${location}.${String(key)}`,
    root,
  );
}
