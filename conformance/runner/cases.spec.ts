import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseDefinition, isXdsStep } from './case-definition';
import { CaseDefinitionError, loadCases } from './case-loader';
import { matchesOnly, runOrder } from './case-order';
import { sourceJson } from './sources';
import { SuiteRoots, defaultSuiteRoots } from './suite-files';
import { StepVariables } from './variables';
import { xdsRequestBody } from './xds-request';

/** Answers every variable, so that a request can be built without running earlier steps. */
class AnyValueScope extends Map<string, string> {
  override get(): string {
    return '1.2.250.1.999.7';
  }

  override has(): boolean {
    return true;
  }
}

describe('the suite’s cases', () => {
  const roots = defaultSuiteRoots();
  const cases = loadCases(roots);

  it('all load, each naming its origin, in every area', () => {
    expect(cases.length).toBeGreaterThan(70);
    expect(new Set(cases.map((c) => c.id.split('/')[0]))).toEqual(
      new Set(['access', 'fr', 'mhd', 'xds']),
    );
    for (const definition of cases) expect(definition.origin).toMatch(/\w{3,}/);
  });

  it.each(cases.map((definition): [string, CaseDefinition] => [definition.id, definition]))(
    '%s builds every request from its files (substitutions all match)',
    (_id, definition) => {
      for (const step of definition.steps) {
        const sources = {
          caseDir: definition.dir,
          roots,
          variables: new StepVariables(new AnyValueScope()),
        };
        if (isXdsStep(step)) {
          expect(xdsRequestBody(step, sources).body.length).toBeGreaterThan(0);
        } else if (step.fhir.body) {
          expect(sourceJson(step.fhir.body, sources)).toBeTruthy();
        }
      }
    },
  );

  it('run after what they depend on; --only pulls dependencies in', () => {
    const order = runOrder(cases, ['nist-11897-approved']).map((c) => c.id);
    expect(order).toEqual(['xds/nist-12346-seed', 'xds/nist-11897-approved']);
    const everything = runOrder(cases, []).map((c) => c.id);
    for (const definition of cases) {
      for (const dependency of definition.dependsOn ?? []) {
        expect(everything.indexOf(dependency)).toBeLessThan(everything.indexOf(definition.id));
      }
    }
  });
});

describe('--only patterns', () => {
  it('match by substring, or by glob when they hold *', () => {
    expect(matchesOnly('xds/nist-11966-iti41-mtom', [])).toBe(true);
    expect(matchesOnly('xds/nist-11966-iti41-mtom', ['11966'])).toBe(true);
    expect(matchesOnly('xds/nist-11966-iti41-mtom', ['xds/*-mtom'])).toBe(true);
    expect(matchesOnly('xds/nist-11966-iti41-mtom', ['mhd/*'])).toBe(false);
    expect(matchesOnly('mhd/a.b', ['mhd/a?b'])).toBe(false);
  });
});

describe('invalid cases', () => {
  let dir: string;
  let roots: SuiteRoots;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'conformance-cases-'));
    roots = { ...defaultSuiteRoots(), cases: dir };
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writeCase(id: string, definition: unknown): void {
    mkdirSync(join(dir, id), { recursive: true });
    writeFileSync(join(dir, id, 'case.json'), JSON.stringify(definition));
  }

  const step = {
    id: 'query',
    title: 'A query',
    transaction: 'ITI-18',
    xds: { storedQuery: { query: 'FindDocuments', slots: {} } },
    expect: { status: 'Success' },
  };

  it('are refused together, each problem with its case and path', () => {
    writeCase('a/typo', {
      title: 't',
      origin: 'o',
      steps: [{ ...step, expect: { stauts: 'Success' } }],
    });
    writeCase('a/missing-file', {
      title: 't',
      origin: 'o',
      dependsOn: ['a/nowhere'],
      steps: [{ ...step, xds: { message: { file: 'absent.xml' } } }],
    });
    writeCase('a/wrong-transaction', {
      title: 't',
      origin: 'o',
      steps: [{ ...step, transaction: 'ITI-42' }],
    });
    expect(() => loadCases(roots)).toThrow(CaseDefinitionError);
    try {
      loadCases(roots);
    } catch (error) {
      expect((error as CaseDefinitionError).problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^a\/typo: .*expect\.stauts: unknown key/),
          'a/missing-file: file not found: absent.xml',
          'a/missing-file: unknown dependency a/nowhere',
          'a/wrong-transaction: step query: storedQuery belongs to ITI-18',
        ]),
      );
    }
  });

  it('with a dependency cycle cannot be ordered', () => {
    writeCase('a/one', { title: 't', origin: 'o', dependsOn: ['a/two'], steps: [step] });
    writeCase('a/two', { title: 't', origin: 'o', dependsOn: ['a/one'], steps: [step] });
    expect(() => runOrder(loadCases(roots), [])).toThrow(
      /dependency cycle: a\/one → a\/two → a\/one/,
    );
  });
});
