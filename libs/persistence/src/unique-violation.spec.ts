import { DataSource, QueryFailedError } from 'typeorm';
import { isUniqueViolation } from './unique-violation';

/** A real SQLite table with a primary key and a unique column, so the codes are the driver's. */
async function sqliteError(sql: string): Promise<unknown> {
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
  await dataSource.initialize();
  try {
    await dataSource.query(
      'CREATE TABLE t (id TEXT PRIMARY KEY, name TEXT UNIQUE, n TEXT NOT NULL)',
    );
    await dataSource.query("INSERT INTO t VALUES ('a', 'x', '1')");
    await dataSource.query(sql);
    throw new Error('the statement was expected to fail');
  } catch (error) {
    return error;
  } finally {
    await dataSource.destroy();
  }
}

describe('isUniqueViolation', () => {
  it("recognises SQLite's unique index and primary key", async () => {
    const unique = await sqliteError("INSERT INTO t VALUES ('b', 'x', '1')");
    const primary = await sqliteError("INSERT INTO t VALUES ('a', 'y', '1')");
    expect(unique).toBeInstanceOf(QueryFailedError);
    expect(isUniqueViolation(unique)).toBe(true);
    expect(isUniqueViolation(primary)).toBe(true);
  });

  it('leaves other constraint failures alone', async () => {
    expect(isUniqueViolation(await sqliteError("INSERT INTO t VALUES ('c', 'z', NULL)"))).toBe(
      false,
    );
  });

  it("recognises Postgres's 23505, on TypeORM's error and on the driver's", () => {
    const driverError = Object.assign(new Error('duplicate key value'), { code: '23505' });
    expect(isUniqueViolation(new QueryFailedError('INSERT', [], driverError))).toBe(true);
    expect(isUniqueViolation(driverError)).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('not null'), { code: '23502' }))).toBe(false);
    expect(isUniqueViolation('23505')).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});
