import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** A statement; with a name, prepared once per connection and its plan kept by PostgreSQL. */
export interface PoolStatement {
  readonly name?: string;
  readonly text: string;
}

/**
 * Runs a hot path's statement on the pool under TypeORM, without its query runner (no
 * connection checkout of its own, no logging hooks).
 */
export async function runOnPool<Row extends QueryResultRow>(
  dataSource: DataSource,
  statement: PoolStatement,
  values: readonly unknown[],
): Promise<Row[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const { rows } = await pool.query<Row>({ ...statement, values: [...values] });
  return rows;
}
