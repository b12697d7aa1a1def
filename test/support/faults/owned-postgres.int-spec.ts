import { Client } from 'pg';
import { OwnedPostgres } from './owned-postgres';

async function select(url: string): Promise<number> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    const result = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
    return result.rows[0].n;
  } finally {
    await client.end();
  }
}

describe('OwnedPostgres (a database a test can stop)', () => {
  let server: OwnedPostgres;

  beforeAll(async () => {
    server = await OwnedPostgres.start();
  });

  afterAll(async () => {
    await server.destroy();
  });

  it('refuses connections while stopped and keeps its data across the outage', async () => {
    const url = await server.createDatabase('outage_probe');
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)');
    await client.end();

    await server.stop();
    await expect(select(url)).rejects.toThrow(/ECONNREFUSED/);

    await server.resume();
    await expect(select(url)).resolves.toBe(2);
  });
});
