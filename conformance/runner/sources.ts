import { Operation, applyPatch } from 'fast-json-patch';
import type { FileSource, Source } from './case-definition';
import { SuiteRoots, readCaseFile } from './suite-files';
import { StepVariables, escapingFor, expandJson, expandText } from './variables';

/** What a step reads its files with: the case folder, the suite roots, the step's variables. */
export interface SourceContext {
  readonly caseDir: string;
  readonly roots: SuiteRoots;
  readonly variables: StepVariables;
}

/**
 * A message file as it will be sent: fragments, regular-expression replacements, literal
 * substitutions, then `{{variables}}` (escaped for the file's kind). Captures are read as latin1
 * so that every byte, binary parts included, survives the round trip.
 */
export function sourceText(
  source: FileSource,
  context: SourceContext,
  encoding: 'utf8' | 'latin1' = 'utf8',
): string {
  const read = (file: string) =>
    readCaseFile(file, context.caseDir, context.roots).toString(encoding);
  let text = read(source.file);
  for (const [placeholder, file] of Object.entries(source.fragments ?? {})) {
    text = replaceAll(text, placeholder, read(file), source.file);
  }
  for (const replacement of source.replacements ?? []) {
    const pattern = new RegExp(replacement.pattern, 'g');
    if (!pattern.test(text)) {
      throw new Error(`${source.file}: the replacement /${replacement.pattern}/ matches nothing`);
    }
    text = text.replace(pattern, replacement.with);
  }
  for (const [from, to] of Object.entries(source.substitutions ?? {})) {
    text = replaceAll(text, from, to, source.file);
  }
  return expandText(text, context.variables, escapingFor(source.file));
}

/** A substitution that matches nothing means the fixture is not the one the case was written for. */
function replaceAll(text: string, from: string, to: string, file: string): string {
  if (!text.includes(from)) throw new Error(`${file}: "${from}" matches nothing`);
  return text.split(from).join(to);
}

/**
 * A FHIR body: a JSON file (instantiated as text, then patched), JSON written in the case, or
 * another file sent as its text (FHIR XML).
 */
export function sourceJson(source: Source, context: SourceContext): unknown {
  if (!('json' in source) && !source.file.endsWith('.json')) return sourceText(source, context);
  if ('json' in source) return expandJson(source.json, context.variables);
  const document: unknown = JSON.parse(sourceText(source, context));
  if (!source.jsonPatch) return document;
  const operations = expandJson(source.jsonPatch, context.variables) as Operation[];
  return applyPatch(document, operations, true, false).newDocument;
}
