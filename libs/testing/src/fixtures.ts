import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(__dirname, '../../../fixtures');

/** A fixture file of the repository's `fixtures/` folder, as text. */
function fixtureText(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

/** A JSON fixture with textual substitutions applied first (patient ids, uniqueIds, ids). */
export function instantiateFixture<T>(path: string, substitutions: Record<string, string>): T {
  let text = fixtureText(path);
  for (const [from, to] of Object.entries(substitutions)) text = text.replaceAll(from, to);
  return JSON.parse(text) as T;
}
