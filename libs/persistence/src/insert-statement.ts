import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Several multi-row INSERTs sent as one statement (data-modifying CTEs): a whole submission is
 * one round trip to the database instead of one per table. Column names come from the TypeORM
 * entity metadata, values are always parameters.
 */
export class InsertStatement {
  private readonly inserts: string[] = [];
  readonly params: unknown[] = [];

  constructor(private readonly dataSource: DataSource) {}

  add<T extends ObjectLiteral>(entity: EntityTarget<T>, rows: readonly T[]): this {
    if (rows.length === 0) return this;
    const metadata = this.dataSource.getMetadata(entity);
    const columns = metadata.columns;
    const values = rows.map(
      (row) => `(${columns.map((column) => this.param(column.getEntityValue(row))).join(', ')})`,
    );
    this.inserts.push(
      `INSERT INTO ${metadata.tableName} (${columns.map((c) => c.databaseName).join(', ')}) ` +
        `VALUES ${values.join(', ')}`,
    );
    return this;
  }

  /**
   * The statement; `guard`, a boolean SQL expression over parameters added with {@link param},
   * is evaluated in the same statement: if it raises, nothing is inserted.
   */
  sql(guard = 'true'): string {
    const ctes = this.inserts.map((insert, index) => `i${index} AS (${insert})`);
    return `WITH ${ctes.join(', ')} SELECT ${guard} AS ok`;
  }

  param(value: unknown): string {
    this.params.push(value === undefined ? null : value);
    return `$${this.params.length}`;
  }
}
