import type { CaseDefinition } from './case-definition';
import { CaseDefinitionError } from './case-loader';

/**
 * `--only` patterns (comma-separated): `*` matches any run of characters, and a pattern without
 * `*` matches any id containing it. No pattern selects every case.
 */
export function matchesOnly(id: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => {
    if (!pattern.includes('*')) return id.includes(pattern);
    const source = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return new RegExp(`^${source}$`).test(id);
  });
}

/**
 * The selected cases plus everything they depend on, each after its dependencies (and otherwise
 * in id order, so runs are reproducible). A dependency cycle is a definition error.
 */
export function runOrder(
  cases: readonly CaseDefinition[],
  patterns: readonly string[],
): CaseDefinition[] {
  const byId = new Map(cases.map((definition) => [definition.id, definition]));
  const ordered: CaseDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (definition: CaseDefinition, chain: readonly string[]) => {
    const seen = state.get(definition.id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new CaseDefinitionError([`dependency cycle: ${[...chain, definition.id].join(' → ')}`]);
    }
    state.set(definition.id, 'visiting');
    for (const dependency of definition.dependsOn ?? []) {
      const required = byId.get(dependency);
      if (!required) {
        throw new CaseDefinitionError([`${definition.id}: unknown dependency ${dependency}`]);
      }
      visit(required, [...chain, definition.id]);
    }
    state.set(definition.id, 'done');
    ordered.push(definition);
  };
  for (const definition of [...cases].sort((a, b) => a.id.localeCompare(b.id))) {
    if (matchesOnly(definition.id, patterns)) visit(definition, []);
  }
  return ordered;
}
