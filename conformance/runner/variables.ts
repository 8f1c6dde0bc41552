import { randomUUID } from 'node:crypto';
import { freshUniqueId } from './xds-messages';

/** How a value is written into its surrounding text. */
export type Escaping = 'xml' | 'json' | 'url' | 'none';

export class UnknownVariableError extends Error {
  constructor(readonly variable: string) {
    super(`Unknown variable {{${variable}}}`);
    this.name = 'UnknownVariableError';
  }
}

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/**
 * The values one step's messages and expectations may use: the case's variables (patients,
 * captures, values of earlier steps and dependencies), `now`, and values drawn fresh for
 * this step — `oid:<label>` (a new OID) and `uuid:<label>` (a new urn:uuid), the same for the
 * same label within the step, and visible to later steps as `<step>.oid:<label>`.
 */
export class StepVariables {
  /** Label → OID; also the uniqueIds a NIST template instantiation draws, by object id. */
  readonly uniqueIds = new Map<string, string>();
  /** Symbolic object id → urn:uuid; also the NIST `<AssignUuids/>` entryUUIDs. */
  readonly entryUuids = new Map<string, string>();

  constructor(private readonly scope: ReadonlyMap<string, string>) {}

  has(name: string): boolean {
    return this.scope.has(name);
  }

  value(name: string): string {
    if (name.startsWith('oid:')) return drawn(this.uniqueIds, name.slice(4), freshUniqueId);
    if (name.startsWith('uuid:')) {
      return drawn(this.entryUuids, name.slice(5), () => `urn:uuid:${randomUUID()}`);
    }
    if (name === 'now') return new Date().toISOString();
    const value = this.scope.get(name);
    if (value === undefined) throw new UnknownVariableError(name);
    return value;
  }

  /** This step's drawn values under the names later steps and cases use. */
  exported(stepId: string): [string, string][] {
    return [
      ...[...this.uniqueIds].map(([label, oid]): [string, string] => [
        `${stepId}.oid:${label}`,
        oid,
      ]),
      ...[...this.entryUuids].map(([label, uuid]): [string, string] => [
        `${stepId}.uuid:${label}`,
        uuid,
      ]),
    ];
  }
}

function drawn(values: Map<string, string>, label: string, draw: () => string): string {
  const existing = values.get(label);
  if (existing !== undefined) return existing;
  const value = draw();
  values.set(label, value);
  return value;
}

/** Replaces every `{{name}}` in a text by its value, escaped for where it lands. */
export function expandText(text: string, variables: StepVariables, escaping: Escaping): string {
  return text.replace(PLACEHOLDER, (_placeholder, name: string) =>
    escape(variables.value(name), escaping),
  );
}

/** Expands `{{name}}` in every string of a JSON value (keys included). */
export function expandJson(value: unknown, variables: StepVariables): unknown {
  if (typeof value === 'string') return expandText(value, variables, 'none');
  if (Array.isArray(value)) return value.map((item) => expandJson(item, variables));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        expandText(key, variables, 'none'),
        expandJson(item, variables),
      ]),
    );
  }
  return value;
}

function escape(value: string, escaping: Escaping): string {
  switch (escaping) {
    case 'xml':
      return value
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;');
    case 'json':
      return JSON.stringify(value).slice(1, -1);
    case 'url':
      return encodeURIComponent(value);
    case 'none':
      return value;
  }
}

/** The escaping a file's `{{variables}}` need, from its name. */
export function escapingFor(fileName: string): Escaping {
  if (fileName.endsWith('.json')) return 'json';
  return /\.(xml|txt)$/.test(fileName) ? 'xml' : 'none';
}
