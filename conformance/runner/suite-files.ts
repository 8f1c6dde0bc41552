import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** Where the suite's data lives: its own folder (cases, templates) and the repository's fixtures. */
export interface SuiteRoots {
  /** The `conformance/` folder. */
  readonly suite: string;
  /** The `cases/` folder cases are loaded from. */
  readonly cases: string;
  readonly fixtures: string;
}

/**
 * The roots around the runner, found by walking up from it (the same code runs from sources
 * under Jest and compiled under dist/).
 */
export function defaultSuiteRoots(): SuiteRoots {
  let dir = __dirname;
  while (!existsSync(join(dir, 'conformance', 'cases'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No conformance/cases folder above ${__dirname}`);
    dir = parent;
  }
  return {
    suite: join(dir, 'conformance'),
    cases: join(dir, 'conformance', 'cases'),
    fixtures: join(dir, 'fixtures'),
  };
}

/** `fixtures:<path>`, `suite:<path>`, or a path relative to the case folder. */
export function resolveCaseFile(reference: string, caseDir: string, roots: SuiteRoots): string {
  if (reference.startsWith('fixtures:')) {
    return join(roots.fixtures, reference.slice('fixtures:'.length));
  }
  if (reference.startsWith('suite:')) return join(roots.suite, reference.slice('suite:'.length));
  return isAbsolute(reference) ? reference : resolve(caseDir, reference);
}

export function readCaseFile(reference: string, caseDir: string, roots: SuiteRoots): Buffer {
  return readFileSync(resolveCaseFile(reference, caseDir, roots));
}
