import { randomInt, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { runAppProcess } from '../../../test/support/app-process';
import { createAuditRolesDatabase, type AuditRolesDatabase } from '../../../test/support/databases';
import { produce, testKafka, uniqueName } from '../../../test/support/kafka';
import { waitFor } from '../../../test/support/wait-for';
import { checkAuditDatabaseRole } from '../src/audit-log/audit-database-role';
import { createAuditApp } from '../src/audit.app';
import { loadAuditConfig } from '../src/config/audit.config';
import {
  AuditSchemaOutdatedError,
  migrateAuditDatabase,
  openAuditDatabase,
} from '../src/audit-log/audit-data-source';
import { AuditLogRepository } from '../src/audit-log/audit-log.repository';
import { auditRecords, TEST_CHAIN_KEYS, TEST_LINKER } from './audit-fixtures';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import { cloudEventJson } from '../../../test/fixtures/cloud-events';
import { verifyChains } from './verify-chains';

jest.setTimeout(120_000);

const TOKEN = 'roles-test-token-0123456789';
/** The key the repository specs chain with, so the app verifies their rows too. */
const CHAIN_KEY = {
  AUDIT_CHAIN_KEY: TEST_CHAIN_KEYS.active.secret,
  AUDIT_CHAIN_KEY_ID: TEST_CHAIN_KEYS.active.id,
};

/** Runs `sql` on its own connection as the role of `url`; resolves with the error it failed with. */
async function refusal(url: string, sql: string): Promise<{ code?: string; message: string }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
    return { message: 'no error' };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code, message };
  } finally {
    await client.end();
  }
}

/**
 * Issue 9 part 2: the audit app's role must not be able to rewrite its own history. The roles
 * come from the compose init script; migrations run as the owner and grant the app role SELECT and
 * INSERT only. Before, the app role owned audit_events and DROP TRIGGER succeeded.
 */
describe('audit database roles on PostgreSQL', () => {
  let database: AuditRolesDatabase;
  let app: DataSource;

  const migration = () => ({
    database: { url: database.ownerUrl, sqlitePath: '', poolSize: 1 },
    appRole: database.appRole,
  });
  const appSettings = () => ({ url: database.appUrl, sqlitePath: '', poolSize: 2 });

  beforeAll(async () => {
    database = await createAuditRolesDatabase();
    await migrateAuditDatabase(migration());
    ({ dataSource: app } = await openAuditDatabase(appSettings(), { migrate: false }));
  });

  afterAll(async () => {
    if (app?.isInitialized) await app.destroy();
    await database?.drop();
  });

  it('refuses to open an unmigrated schema as the app role', async () => {
    const fresh = await createAuditRolesDatabase();
    try {
      await expect(
        openAuditDatabase({ url: fresh.appUrl, sqlitePath: '', poolSize: 1 }, { migrate: false }),
      ).rejects.toBeInstanceOf(AuditSchemaOutdatedError);
    } finally {
      await fresh.drop();
    }
  });

  it('migrates idempotently: a second run changes nothing and keeps the grants', async () => {
    expect(await migrateAuditDatabase(migration())).toEqual([]);
    expect(
      await app.query<Array<{ table_name: string; privilege_type: string }>>(
        `SELECT table_name, privilege_type FROM information_schema.role_table_grants
          WHERE grantee = $1 ORDER BY table_name, privilege_type`,
        [database.appRole],
      ),
    ).toEqual([
      { table_name: 'audit_events', privilege_type: 'INSERT' },
      { table_name: 'audit_events', privilege_type: 'SELECT' },
      { table_name: 'migrations', privilege_type: 'SELECT' },
    ]);
  });

  it('lets the app role append and read through the repository', async () => {
    const repository = new AuditLogRepository(app, TEST_LINKER);
    // A topic of its own: the app process below audits billwerk.contract.v1 into this database.
    const topic = 'audit.roles.test.v1';
    const outcome = await repository.appendIfAbsent(
      topic,
      0,
      auditRecords(5, 0, () => ({ topic })),
    );
    expect(outcome).toMatchObject({ written: 5, duplicates: 0 });
    expect(await verifyChains(app)).toEqual([
      expect.objectContaining({ rowsChecked: 5, brokenLinks: 0 }),
    ]);
    const [{ count }] = await app.query<Array<{ count: string }>>(
      'SELECT count(*) AS count FROM audit_events',
    );
    expect(count).toBe('5');
  });

  it.each([
    ['UPDATE a row', "UPDATE audit_events SET type = 'forged'", /permission denied for table/],
    ['DELETE a row', 'DELETE FROM audit_events WHERE seq = 1', /permission denied for table/],
    ['TRUNCATE the table', 'TRUNCATE audit_events', /permission denied for table/],
    [
      'drop the append-only trigger',
      'DROP TRIGGER audit_events_append_only ON audit_events',
      /must be owner of (table|relation) audit_events/,
    ],
    [
      'disable the triggers',
      'ALTER TABLE audit_events DISABLE TRIGGER ALL',
      /must be owner of (table|relation) audit_events/,
    ],
    [
      'drop the trigger function',
      'DROP FUNCTION audit_events_refuse_change() CASCADE',
      /must be owner of function/,
    ],
    ['drop the table', 'DROP TABLE audit_events', /must be owner of (table|relation)/],
    ['rename the table', 'ALTER TABLE audit_events RENAME TO old', /must be owner of/],
    ['create a table', 'CREATE TABLE audit_events_forged (x int)', /permission denied for schema/],
    ['create a temporary table', 'CREATE TEMP TABLE t (x int)', /permission denied to create/],
    [
      'create a trigger',
      'CREATE TRIGGER t BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()',
      /permission denied for table/,
    ],
    [
      'mark a migration as run',
      "INSERT INTO migrations (timestamp, name) VALUES (1, 'x')",
      /permission denied for table/,
    ],
    ['forget a migration', 'DELETE FROM migrations', /permission denied for table/],
  ])('refuses the app role to %s with SQLSTATE 42501', async (_what, sql, message) => {
    const error = await refusal(database.appUrl, sql);
    expect(error).toEqual({ code: '42501', message: expect.stringMatching(message) });
  });

  it('refuses the app role to become the owner', async () => {
    expect(await refusal(database.appUrl, `SET ROLE ${database.ownerRole}`)).toEqual({
      code: '42501',
      message: expect.stringMatching(/permission denied to set role/),
    });
  });

  it('lets the owner drop the trigger: it is the role split, not the trigger, that refuses', async () => {
    const error = await refusal(
      database.ownerUrl,
      'BEGIN; DROP TRIGGER audit_events_append_only ON audit_events; ROLLBACK',
    );
    expect(error).toEqual({ message: 'no error' });
  });

  it('finds no power beyond SELECT and INSERT in the app role, and warns about the owner', async () => {
    const lines: string[] = [];
    const logger = pino(
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    await checkAuditDatabaseRole(app, true, logger);
    expect(lines).toEqual([]);
    const { dataSource: owner } = await openAuditDatabase(
      { url: database.ownerUrl, sqlitePath: '', poolSize: 1 },
      { migrate: false },
    );
    try {
      await checkAuditDatabaseRole(owner, false, logger);
      expect(lines).toEqual([expect.stringContaining(`owner of audit_events`)]);
      await expect(checkAuditDatabaseRole(owner, true, logger)).rejects.toThrow(
        /can rewrite the audit log \(owner of audit_events, UPDATE on audit_events, DELETE on audit_events, TRUNCATE on audit_events, TRIGGER on audit_events, CREATE in schema public\)/,
      );
    } finally {
      await owner.destroy();
    }
  });

  it('migrates at start as the owner URL and then runs as the app role (AUDIT_MIGRATE_ON_START)', async () => {
    const fresh = await createAuditRolesDatabase();
    try {
      const config = loadAuditConfig({
        NODE_ENV: 'production',
        ...CHAIN_KEY,
        AUDIT_API_TOKENS: TOKEN,
        DATABASE_URL: fresh.appUrl,
        AUDIT_MIGRATION_DATABASE_URL: fresh.ownerUrl,
        AUDIT_APP_ROLE: fresh.appRole,
        LOG_LEVEL: 'fatal',
      });
      const audit = await createAuditApp(config, pino({ level: 'fatal' }));
      await audit.close();
      // Production mode would have refused anything but the bare app role.
      const dropTrigger = await refusal(
        fresh.appUrl,
        'DROP TRIGGER audit_events_append_only ON audit_events',
      );
      expect(dropTrigger.code).toBe('42501');
    } finally {
      await fresh.drop();
    }
  });

  describe('the audit app process', () => {
    const env = (databaseUrl: string): Record<string, string> => ({
      NODE_ENV: 'production',
      ...CHAIN_KEY,
      DATABASE_URL: databaseUrl,
      AUDIT_MIGRATE_ON_START: 'false',
      AUDIT_API_TOKENS: TOKEN,
      AUDIT_HOST: '127.0.0.1',
      // The private range this suite's machine reserves for its apps.
      AUDIT_PORT: String(24_000 + randomInt(1000)),
      AUDIT_GROUP_ID: uniqueName('audit-roles'),
      LOG_LEVEL: 'info',
    });

    it('refuses in production to run as the owner, with one line', async () => {
      const exit = await runAppProcess('audit', env(database.ownerUrl), () =>
        Promise.reject(new Error('the audit app started as the owner role')),
      );
      expect(exit.code).toBe(1);
      expect(exit.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^audit start-up failed: the database role "${database.ownerRole}" can rewrite the audit log \\(owner of audit_events, .*\\): run the audit app as a role with only SELECT and INSERT`,
          ),
        ),
      ]);
    });

    it('runs as the app role: ingests a record from Kafka end to end and verifies', async () => {
      // A new group reads the shared broker's billwerk topics from the start: earlier specs' events too.
      const processEnv = env(database.appUrl);
      const baseUrl = `http://127.0.0.1:${processEnv.AUDIT_PORT}`;
      const get = async (path: string) => {
        const response = await fetch(`${baseUrl}${path}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      };
      const eventId = randomUUID();
      const exit = await runAppProcess('audit', processEnv, async () => {
        await produce(testKafka(), 'billwerk.contract.v1', [
          {
            key: billwerkId(9),
            value: cloudEventJson('ContractChanged', { ContractId: billwerkId(9) }, eventId),
          },
        ]);
        await waitFor(
          'the record stored',
          async () => (await get(`/audit/events/${eventId}`)).status === 200,
          90_000,
        );
        const verify = await get('/audit/verify');
        expect(verify).toMatchObject({ status: 200, body: { ok: true } });
      });
      // Nothing refused along the way: no start-up failure, no store error.
      expect(exit.stderr).toBe('');
      expect(exit.stdout).not.toMatch(/"level":"(error|fatal)"/);
    });
  });
});
