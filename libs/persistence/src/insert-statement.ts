import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** Writes SQL text for a value: the placeholder (`$n`) of a new bind parameter. */
export type Param = (value: unknown) => string;

/** A piece of SQL whose values are bind parameters, numbered when the statement is written. */
export type Sql = (param: Param) => string;

/** A data-modifying common table expression; others of its group may refer to it by name. */
export interface NamedCte {
  readonly name: string;
  readonly sql: Sql;
}

export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** PostgreSQL's limit on the bind parameters of one statement (a 16-bit count). */
export const MAX_BIND_PARAMETERS = 65_535;

export interface RowsInsert {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: (readonly unknown[])[];
}

/**
 * Several multi-row INSERTs, and groups of data-modifying CTEs (the audit record and the
 * notifications it owes, say), sent as one statement with a guard: a whole submission is one
 * round trip to the database. When the values do not fit one statement's bind parameters, the
 * same writes become several statements, meant for one transaction: the guard first, then the
 * rows in batches, then each group. Column names come from the TypeORM entity metadata; values
 * are always parameters.
 */
export class InsertStatement {
  private readonly inserts: RowsInsert[] = [];
  private readonly groups: (readonly NamedCte[])[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly maxParameters = MAX_BIND_PARAMETERS,
  ) {}

  add<T extends ObjectLiteral>(entity: EntityTarget<T>, rows: readonly T[]): this {
    if (rows.length === 0) return this;
    const metadata = this.dataSource.getMetadata(entity);
    const values = rows.map((row) =>
      metadata.columns.map((column): unknown => column.getEntityValue(row) as unknown),
    );
    // Rows of a table already written join its INSERT: a unit of many submissions stays one
    // INSERT a table.
    const same = this.inserts.find((insert) => insert.table === metadata.tableName);
    if (same) same.rows.push(...values);
    else {
      this.inserts.push({
        table: metadata.tableName,
        columns: metadata.columns.map((column) => column.databaseName),
        rows: values,
      });
    }
    return this;
  }

  /** The rows added, one entry a table, in the order tables were first added. */
  get tables(): readonly RowsInsert[] {
    return this.inserts;
  }

  /** Whether CTE groups were added besides rows. */
  get hasGroups(): boolean {
    return this.groups.length > 0;
  }

  /** CTEs written together, in this order, after the rows. */
  addGroup(ctes: readonly NamedCte[]): this {
    this.groups.push(ctes);
    return this;
  }

  /**
   * The writes as one statement when they fit, else as several for one transaction. `guard`, a
   * boolean SQL expression, is evaluated in the first statement: if it raises, nothing is written.
   */
  statements(guard: Sql = () => 'true'): Statement[] {
    const one = new Parameters();
    const ctes = [
      ...this.inserts.map(
        (insert, index) => `i${index} AS (${insertSql(insert, insert.rows, one.param)})`,
      ),
      ...this.groups.flat().map((cte) => `${cte.name} AS (${cte.sql(one.param)})`),
    ];
    const sql = `${ctes.length > 0 ? `WITH ${ctes.join(', ')} ` : ''}SELECT ${guard(one.param)} AS ok`;
    if (one.values.length <= this.maxParameters) return [{ sql, params: one.values }];
    return [
      this.single((p) => `SELECT ${guard(p)} AS ok`),
      ...this.batches(),
      ...this.groupStatements(),
    ];
  }

  private batches(): Statement[] {
    return this.inserts.flatMap((insert) => {
      const rowsPerStatement = Math.max(1, Math.floor(this.maxParameters / insert.columns.length));
      const statements: Statement[] = [];
      for (let start = 0; start < insert.rows.length; start += rowsPerStatement) {
        const rows = insert.rows.slice(start, start + rowsPerStatement);
        statements.push(this.single((p) => insertSql(insert, rows, p)));
      }
      return statements;
    });
  }

  private groupStatements(): Statement[] {
    return this.groups.map((group) =>
      this.single(
        (p) => `WITH ${group.map((cte) => `${cte.name} AS (${cte.sql(p)})`).join(', ')} SELECT 1`,
      ),
    );
  }

  private single(sql: Sql): Statement {
    return statementOf(sql);
  }
}

/** One statement, its values numbered as `sql` asks for them. */
export function statementOf(sql: Sql): Statement {
  const parameters = new Parameters();
  return { sql: sql(parameters.param), params: parameters.values };
}

class Parameters {
  readonly values: unknown[] = [];
  readonly param: Param = (value) => {
    this.values.push(value === undefined ? null : value);
    return `$${this.values.length}`;
  };
}

function insertSql(
  insert: RowsInsert,
  rows: readonly (readonly unknown[])[],
  param: Param,
): string {
  const values = rows.map((row) => `(${row.map((value) => param(value)).join(', ')})`);
  return `INSERT INTO ${insert.table} (${insert.columns.join(', ')}) VALUES ${values.join(', ')}`;
}
