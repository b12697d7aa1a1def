import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createPostgresDatabase, type TestDatabase } from '../../../test/support/databases';
import { createDataSource, runMigrationsLocked } from '@app/persistence';

jest.setTimeout(60_000);

class CreateThings1700000000000 implements MigrationInterface {
  name = 'CreateThings1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    // Slow enough that a second replica starting together really has to wait for the lock.
    await runner.query('SELECT pg_sleep(0.5)');
    await runner.query('CREATE TABLE things (id integer PRIMARY KEY)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE things');
  }
}

describe('runMigrationsLocked on Postgres', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createPostgresDatabase('persistence_test');
  });

  afterEach(async () => {
    await database.drop();
  });

  const open = async (poolSize: number) => {
    const dataSource = createDataSource(
      { url: database.url, sqlitePath: '', poolSize },
      { entities: [], migrations: [CreateThings1700000000000] },
    );
    return dataSource.initialize();
  };

  it('lets replicas start together: one migrates, the other waits and finds nothing to do', async () => {
    const [first, second] = await Promise.all([open(2), open(2)]);
    try {
      const ran = await Promise.all([
        runMigrationsLocked(first, 'persistence-test'),
        runMigrationsLocked(second, 'persistence-test'),
      ]);
      expect(ran.flat()).toEqual(['CreateThings1700000000000']);
    } finally {
      await Promise.all([first.destroy(), second.destroy()]);
    }
  });

  it('works with a pool of one connection', async () => {
    const dataSource = await open(1);
    try {
      expect(await runMigrationsLocked(dataSource, 'persistence-test')).toEqual([
        'CreateThings1700000000000',
      ]);
    } finally {
      await dataSource.destroy();
    }
  });
});
