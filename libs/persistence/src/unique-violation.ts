/**
 * Driver codes of a unique key refusing a row: Postgres 23505 (any unique index or primary key),
 * SQLite's UNIQUE index and its PRIMARY KEY (better-sqlite3 names them apart).
 */
const UNIQUE_VIOLATION_CODES: ReadonlySet<string> = new Set([
  '23505',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

/**
 * Whether `error` is a unique key refusing a row: TypeORM's QueryFailedError (the code is on its
 * `driverError`) or the driver's own error.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { driverError, code } = error as { driverError?: { code?: unknown }; code?: unknown };
  const found = driverError?.code ?? code;
  return typeof found === 'string' && UNIQUE_VIOLATION_CODES.has(found);
}
