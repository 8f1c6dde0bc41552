import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** A statement prepared once per connection (by name) and run with the driver's own pool. */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * Runs a hot path's statement on the pool under TypeORM, without its query runner: no
 * connection checkout of its own, no logging hooks, the plan kept by PostgreSQL per connection.
 */
export async function runPrepared<Row extends QueryResultRow>(
  dataSource: DataSource,
  statement: PreparedStatement,
  values: unknown[],
): Promise<Row[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const { rows } = await pool.query<Row>({ ...statement, values });
  return rows;
}
