import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

export interface AuditRolesDatabase {
  ownerRole: string;
  appRole: string;
  /** AUDIT_MIGRATION_DATABASE_URL: the owner role. */
  ownerUrl: string;
  /** DATABASE_URL: the app role. */
  appUrl: string;
  /** Drops the database and both roles. */
  drop(): Promise<void>;
}

const AUDIT_ROLES_SCRIPT = join(__dirname, '..', '..', 'deploy', 'postgres', 'audit-roles.sh');

/**
 * A fresh database with an owner and an app role, made by the compose init script itself
 * (deploy/postgres/audit-roles.sh) under names unique to this run; nothing is migrated yet.
 */
export async function createAuditRolesDatabase(): Promise<AuditRolesDatabase> {
  const suffix = randomBytes(5).toString('hex');
  const ownerRole = `audit_owner_${suffix}`;
  const appRole = `audit_app_${suffix}`;
  const [ownerPassword, appPassword] = [randomBytes(12), randomBytes(12)].map((b) =>
    b.toString('hex'),
  );
  const database = await createPostgresDatabase('audit_roles');
  const url = new URL(database.url ?? '');
  const drop = async () => {
    await database.drop();
    await admin((client) => client.query(`DROP ROLE IF EXISTS ${appRole}, ${ownerRole}`));
  };
  try {
    await promisify(execFile)('sh', [AUDIT_ROLES_SCRIPT], {
      env: {
        PATH: process.env.PATH,
        PGHOST: url.hostname,
        PGPORT: url.port || '5432',
        PGPASSWORD: decodeURIComponent(url.password),
        POSTGRES_USER: decodeURIComponent(url.username),
        POSTGRES_DB: url.pathname.slice(1),
        AUDIT_OWNER_ROLE: ownerRole,
        AUDIT_OWNER_PASSWORD: ownerPassword,
        AUDIT_APP_ROLE: appRole,
        AUDIT_APP_PASSWORD: appPassword,
      },
    });
  } catch (error) {
    await drop();
    throw error;
  }
  const as = (role: string, password: string): string => {
    const roleUrl = new URL(url);
    roleUrl.username = role;
    roleUrl.password = password;
    return roleUrl.toString();
  };
  return {
    ownerRole,
    appRole,
    ownerUrl: as(ownerRole, ownerPassword),
    appUrl: as(appRole, appPassword),
    drop,
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
