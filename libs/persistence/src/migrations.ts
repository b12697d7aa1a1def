import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { databaseKind } from './data-source';

/** A stable 64-bit advisory lock key (as a decimal string) for a lock name. */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/**
 * Runs pending migrations, each in its own transaction. On Postgres a session advisory lock
 * serialises replicas starting together: the second waits, then finds nothing left to run.
 * SQLite is one file owned by one process, so it needs no lock. Returns the names it ran.
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  lockName: string,
): Promise<string[]> {
  if (databaseKind(dataSource) !== 'postgres') {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const key = advisoryLockKey(lockName);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await runner.release();
  }
}
