import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** Where the suite's data lives, all inside the package: cases, templates, fixtures. */
export interface SuiteRoots {
  /** The package folder (`conformance/`). */
  readonly suite: string;
  /** The `cases/` folder cases are loaded from. */
  readonly cases: string;
  /** The package's `fixtures/`: copies of the repository's fixtures the cases name. */
  readonly fixtures: string;
}

/**
 * The package folder, found by walking up from the runner to the folder holding `cases/` (the
 * same code runs from sources under Jest, `runner/`, and compiled, `dist/runner/`).
 */
export function defaultSuiteRoots(): SuiteRoots {
  let dir = __dirname;
  while (!existsSync(join(dir, 'cases')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No conformance package (cases/) above ${__dirname}`);
    dir = parent;
  }
  return { suite: dir, cases: join(dir, 'cases'), fixtures: join(dir, 'fixtures') };
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
