import { DomainError } from '@passerelle/domain';

/** Deeper than any FHIR resource we accept (a Bundle of DocumentReferences is about 12). */
export const MAX_JSON_DEPTH = 64;

/** A NUL (PostgreSQL's text refuses it) or a UTF-16 surrogate without its pair. */
// eslint-disable-next-line no-control-regex -- the NUL is exactly what is looked for
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses, before any use, a body or query nested too deep or holding a string no database
 * column can store: a 400 naming where, never a 500 from PostgreSQL or a stack overflow. The
 * walk is iterative, so any depth is safe to look at.
 */
export function refuseUnsafeJson(value: unknown, root: string): void {
  const pending: { value: unknown; path: string; depth: number }[] = [
    { value, path: root, depth: 0 },
  ];
  while (pending.length > 0) {
    const { value: current, path, depth } = pending.pop()!;
    if (typeof current === 'string') {
      if (UNSAFE.test(current)) refuse(`${path} holds a NUL character or an unpaired surrogate`);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_JSON_DEPTH) refuse(`${root} is nested deeper than ${MAX_JSON_DEPTH} levels`);
    for (const [key, child] of Object.entries(current)) {
      if (UNSAFE.test(key))
        refuse(`${path} has a key holding a NUL character or an unpaired surrogate`);
      pending.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
}

function refuse(message: string): never {
  throw new DomainError(
    'MALFORMED_REQUEST',
    message.length > 160 ? `${message.slice(0, 157)}...` : message,
  );
}
