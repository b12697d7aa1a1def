import type { DataSource, QueryRunner } from 'typeorm';

export type QueryCall = (...args: unknown[]) => Promise<unknown>;

/**
 * Puts `around` around every SQL statement the data source runs, whoever runs it (managers,
 * repositories, query builders, migrations, `dataSource.query`): TypeORM sends them all through
 * a query runner's `query`, and every runner comes from the driver. A runner the driver hands
 * out again (SQLite shares one) is wrapped once.
 */
export function wrapQueries(
  dataSource: DataSource,
  around: (query: QueryCall, args: unknown[]) => Promise<unknown>,
): void {
  const driver = dataSource.driver;
  const createQueryRunner = driver.createQueryRunner.bind(driver);
  const wrapped = new WeakSet<QueryRunner>();
  driver.createQueryRunner = (mode) => {
    const runner = createQueryRunner(mode);
    if (!wrapped.has(runner)) {
      const query = runner.query.bind(runner) as QueryCall;
      runner.query = ((...args: unknown[]) => around(query, args)) as QueryRunner['query'];
      wrapped.add(runner);
    }
    return runner;
  };
}
