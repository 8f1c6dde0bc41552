import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { CaseDefinition, FileSource, Step, isXdsStep } from './case-definition';
import { CASE_SCHEMA, schemaErrors } from './case-schema';
import { SuiteRoots, resolveCaseFile } from './suite-files';

export class CaseDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid conformance cases:\n  ${problems.join('\n  ')}`);
    this.name = 'CaseDefinitionError';
  }
}

/**
 * Every case under the cases folder (a folder holding a `case.json`), checked: schema, unique
 * step ids, known dependencies, and every file it names present. One bad case refuses the
 * whole suite, so a broken case can never be silently skipped.
 */
export function loadCases(roots: SuiteRoots): CaseDefinition[] {
  const problems: string[] = [];
  const cases = caseFolders(roots.cases).flatMap((dir) => {
    const id = relative(roots.cases, dir).split(sep).join('/');
    const definition = readDefinition(dir, id, problems);
    if (!definition) return [];
    problems.push(...definitionProblems(definition, roots).map((problem) => `${id}: ${problem}`));
    return [definition];
  });
  const ids = new Set(cases.map((c) => c.id));
  for (const definition of cases) {
    for (const dependency of definition.dependsOn ?? []) {
      if (!ids.has(dependency)) problems.push(`${definition.id}: unknown dependency ${dependency}`);
    }
  }
  if (problems.length > 0) throw new CaseDefinitionError(problems);
  return cases.sort((a, b) => a.id.localeCompare(b.id));
}

function caseFolders(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const own = entries.some((entry) => entry.isFile() && entry.name === 'case.json') ? [dir] : [];
  return [
    ...own,
    ...entries
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => caseFolders(join(dir, entry.name))),
  ];
}

function readDefinition(dir: string, id: string, problems: string[]): CaseDefinition | undefined {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'));
  } catch (error) {
    problems.push(`${id}: case.json is not JSON (${(error as Error).message})`);
    return undefined;
  }
  const errors = schemaErrors(json, CASE_SCHEMA);
  if (errors.length > 0) {
    problems.push(...errors.map((error) => `${id}: ${error}`));
    return undefined;
  }
  return { ...(json as Omit<CaseDefinition, 'id' | 'dir'>), id, dir };
}

function definitionProblems(definition: CaseDefinition, roots: SuiteRoots): string[] {
  const stepIds = definition.steps.map((step) => step.id);
  const duplicates = stepIds.filter((id, index) => stepIds.indexOf(id) !== index);
  return [
    ...duplicates.map((id) => `step id ${id} is used twice`),
    ...(definition.steps.length === 0 ? ['a case needs at least one step'] : []),
    ...definition.steps.flatMap((step) => stepProblems(step).map((p) => `step ${step.id}: ${p}`)),
    ...filesOf(definition)
      .filter((file) => !existsSync(resolveCaseFile(file, definition.dir, roots)))
      .map((file) => `file not found: ${file}`),
  ];
}

function stepProblems(step: Step): string[] {
  if (!isXdsStep(step)) {
    return step.fhir.path === undefined && step.fhir.url === undefined
      ? ['a FHIR request needs a path or a url']
      : [];
  }
  const { message, storedQuery, retrieve, documents } = step.xds;
  const bodies = [message, storedQuery, retrieve].filter((body) => body !== undefined);
  return [
    ...(bodies.length === 1
      ? []
      : ['an XDS request needs exactly one of message, storedQuery, retrieve']),
    ...(documents && step.transaction !== 'ITI-41' ? ['documents belong to ITI-41 only'] : []),
    ...((step.xds.packaging === 'mtom' || step.xds.packaging === 'inline') &&
    step.transaction !== 'ITI-41'
      ? [`${step.xds.packaging} packaging belongs to ITI-41 only`]
      : []),
    ...(storedQuery && step.transaction !== 'ITI-18' ? ['storedQuery belongs to ITI-18'] : []),
    ...(retrieve && step.transaction !== 'ITI-43' ? ['retrieve belongs to ITI-43'] : []),
  ];
}

/** Every file a case names, for the presence check. */
function filesOf(definition: CaseDefinition): string[] {
  return definition.steps.flatMap((step) => {
    if (!isXdsStep(step)) {
      const body = step.fhir.body;
      return [
        ...(body && 'file' in body ? sourceFiles(body) : []),
        ...(step.expect.sameContentAs ? [step.expect.sameContentAs.file] : []),
      ];
    }
    return [
      ...(step.xds.message ? sourceFiles(step.xds.message) : []),
      ...(step.xds.documents ?? []).map((document) => document.file),
      ...(step.expect.sameContentAs ?? []).map((reference) => reference.file),
    ];
  });
}

function sourceFiles(source: FileSource): string[] {
  return [source.file, ...Object.values(source.fragments ?? {})];
}
