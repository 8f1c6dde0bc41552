import { Client, QueryConfig } from 'pg';

/** Most statements given a name, per process (so per connection on the server side too). */
const MAX_NAMED_STATEMENTS = 256;
/** A longer text (a many-row insert) is of a rare shape: planned each time. */
const MAX_NAMED_TEXT_LENGTH = 16_384;
const DATA_STATEMENT = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;

/**
 * The names under which the parameterised data statements are prepared. A text gets one the
 * second time it is seen: a shape that recurs (the hot paths' statements, whose values are all
 * parameters) is parsed, and eventually planned, once per connection instead of on every
 * request; a one-off is not kept on the server. Two texts never share a name.
 */
export class StatementNames {
  private readonly seen = new Set<string>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly maxNames = MAX_NAMED_STATEMENTS,
    private readonly maxTextLength = MAX_NAMED_TEXT_LENGTH,
  ) {}

  nameOf(text: string): string | undefined {
    const named = this.names.get(text);
    if (named !== undefined) return named;
    if (!this.worthNaming(text)) return undefined;
    if (!this.seen.has(text)) {
      // One-offs are forgotten in bulk: a shape that recurs later is still seen twice.
      if (this.seen.size >= this.maxNames * 4) this.seen.clear();
      this.seen.add(text);
      return undefined;
    }
    this.seen.delete(text);
    const name = `passerelle_${this.names.size + 1}`;
    this.names.set(text, name);
    return name;
  }

  private worthNaming(text: string): boolean {
    return (
      this.names.size < this.maxNames &&
      text.length <= this.maxTextLength &&
      DATA_STATEMENT.test(text)
    );
  }
}

const statementNames = new StatementNames();

/**
 * The pool's connections (TypeORM's and the hot paths' alike): a parameterised statement that
 * recurs is sent as a named prepared statement (see {@link StatementNames}); anything else —
 * no parameters, already named, a cursor or stream — goes as it came.
 */
export class PreparingClient extends Client {}

// Client.query has a dozen overloads; this one replacement serves them all.
Object.assign(PreparingClient.prototype, { query: preparingQuery });

const clientQuery = Reflect.get(Client.prototype, 'query') as (
  this: Client,
  ...args: unknown[]
) => unknown;

function preparingQuery(this: Client, ...args: unknown[]): unknown {
  const [config, values] = args;
  const named = namedQuery(config, values);
  if (!named) return clientQuery.apply(this, args);
  // The values are in the named config now; a callback given in their place stays.
  return clientQuery.call(this, named, ...args.slice(Array.isArray(values) ? 2 : 1));
}

function namedQuery(config: unknown, values: unknown): QueryConfig | undefined {
  if (typeof config === 'string') {
    if (!Array.isArray(values) || values.length === 0) return undefined;
    const name = statementNames.nameOf(config);
    return name ? { text: config, values, name } : undefined;
  }
  if (!isPlainQueryConfig(config)) return undefined;
  const parameters = Array.isArray(values) ? values : config.values;
  if (!Array.isArray(parameters) || parameters.length === 0) return undefined;
  const name = statementNames.nameOf(config.text);
  return name ? { ...config, values: parameters, name } : undefined;
}

function isPlainQueryConfig(config: unknown): config is QueryConfig {
  if (typeof config !== 'object' || config === null) return false;
  const query = config as Partial<QueryConfig> & { submit?: unknown };
  return typeof query.text === 'string' && query.name === undefined && query.submit === undefined;
}
