import { createHash } from 'node:crypto';
import { MigrationExecutor, type DataSource, type QueryRunner } from 'typeorm';
import { databaseKind } from './data-source';

/** A stable 64-bit advisory lock key (as a decimal string) for a lock name. */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/**
 * Runs pending migrations, each in its own transaction, and returns the names it ran. On Postgres a
 * session advisory lock serialises replicas starting together: the second waits, then finds
 * nothing left to run. The migrations run on the connection that holds the lock, so a pool of one
 * connection cannot deadlock. SQLite is one file owned by one process and needs no lock.
 * `afterMigrations` (grants, say) runs on that connection too, still under the lock, so replicas
 * do not run it at the same time either.
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  lockName: string,
  afterMigrations?: (runner: QueryRunner) => Promise<void>,
): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const postgres = databaseKind(dataSource) === 'postgres';
  const key = advisoryLockKey(lockName);
  try {
    if (postgres) await runner.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      const ran = await executor.executePendingMigrations();
      await afterMigrations?.(runner);
      return ran.map((migration) => migration.name);
    } finally {
      if (postgres) await runner.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * The names of the data source's migrations that the database has not run, read without changing
 * anything (a role that may only read the migrations table can ask). A migrations table this role
 * cannot see counts as none run.
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}
