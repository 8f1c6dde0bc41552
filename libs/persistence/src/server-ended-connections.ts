import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * A connection the server ends (a restart, a failover, `pg_terminate_backend`) while it is
 * checked out emits `error` on its client, at times after TypeORM has taken its own listener
 * off; an `error` without a listener ends the process — every node at once when the database
 * goes away. Each client gets a listener for good: the error still fails the query that meets
 * it (a retryable answer), and the pool replaces the connection.
 */
export function surviveServerEndedConnections(dataSource: DataSource): void {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const guarded = new WeakSet<PoolClient>();
  pool.on('acquire', (client) => {
    if (guarded.has(client)) return;
    guarded.add(client);
    client.on('error', () => undefined);
  });
}
