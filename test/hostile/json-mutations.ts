import fc from 'fast-check';

export type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function kindOf(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonKind;
}

/** A value of every JSON kind, plus values fast-check draws (fixed seed: the same each run). */
export const MUTANTS: readonly { readonly label: string; readonly value: unknown }[] = [
  { label: 'null', value: null },
  { label: 'true', value: true },
  { label: '42', value: 42 },
  { label: '"x"', value: 'x' },
  { label: '{}', value: {} },
  { label: '[null]', value: [null] },
  { label: '[42]', value: [42] },
  ...fc
    .sample(fc.jsonValue({ maxDepth: 3 }), { seed: 17, numRuns: 2 })
    .map((value) => ({ label: `drawn ${JSON.stringify(value).slice(0, 40)}`, value })),
];

/** A copy of `document` with the element at the dotted path replaced by `value`. */
export function mutated<T>(document: T, path: string, value: unknown): T {
  const copy = structuredClone(document) as unknown;
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) throw new Error(`No element at ${path}`);
    node = next as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
  return copy as T;
}
