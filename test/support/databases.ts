import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** The shared test server; tests create and drop their own databases on it, never stop it. */
export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** DATABASE_URL for Postgres, undefined for SQLite. */
  url: string | undefined;
  sqlitePath: string;
  drop(): Promise<void>;
}

async function admin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty Postgres database (`<prefix>_<random>`) on the shared server. */
export async function createPostgresDatabase(prefix = 'audit_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    sqlitePath: '',
    drop: async () => {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** A fresh SQLite file in its own temporary folder. */
export function createSqliteDatabase(): Promise<TestDatabase> {
  const folder = mkdtempSync(join(tmpdir(), 'audit-sqlite-'));
  return Promise.resolve({
    url: undefined,
    sqlitePath: join(folder, 'audit.sqlite'),
    drop: () => Promise.resolve(rmSync(folder, { recursive: true, force: true })),
  });
}

export const TEST_DATABASES = [
  ['sqlite', createSqliteDatabase],
  ['postgres', () => createPostgresDatabase()],
] as const;
