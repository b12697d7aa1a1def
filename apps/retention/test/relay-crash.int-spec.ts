/**
 * The outbox relay's one window: Kafka acknowledged an action, and the process is SIGKILLed before
 * its `published` mark commits. A PostgreSQL trigger holds that mark (the send has completed), the
 * test kills the real retention process there, and a second instance takes the rows over. The
 * action must be on `retention.actions.v1` exactly once. Before the relay looked in-doubt rows up
 * on the topic, the second instance published it again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresDatabase, type TestDatabase } from '../../../test/support/databases';
import { freePort } from '../../../test/support/app-process';
import { AppInstance, ensureBuilt } from '../../../test/support/faults/app-instance';
import { testBrokers } from '../../../test/support/kafka';
import { FakeBillwerk } from './fake-billwerk';
import {
  actionsSince,
  actionsSnapshot,
  HookPublisher,
  startGroupAtEnd,
  testKafka,
  waitFor,
} from './retention-harness';

jest.setTimeout(300_000);

const DAY = 24 * 3600 * 1000;
const CLAIM_MS = 120_000;

/** Holds every `pending → published` mark of the outbox in the database, as a slow commit would. */
const HOLD_MARKS = `
  CREATE FUNCTION hold_outbox_mark() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF OLD.status = 'pending' AND NEW.status = 'published' THEN PERFORM pg_sleep(600); END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER hold_outbox_mark BEFORE UPDATE ON retention_outbox
    FOR EACH ROW EXECUTE FUNCTION hold_outbox_mark();`;

describe('retention killed between the acknowledgement of an action and its mark', () => {
  const kafka = testKafka();
  const groupId = `retention-relay-crash-${randomUUID()}`;
  let database: TestDatabase;
  let sql: Client;
  let billwerk: FakeBillwerk;
  let hooks: HookPublisher;
  let folder: string;
  const instances: AppInstance[] = [];

  const instance = async (name: string): Promise<AppInstance> => {
    const port = await freePort();
    const app = new AppInstance({
      app: 'retention',
      name,
      port,
      logFile: join(folder, `${name}.log`),
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        KAFKA_BROKERS: testBrokers().join(','),
        BILLWERK_API_URL: billwerk.url,
        BILLWERK_CLIENT_ID: 'retention-test',
        BILLWERK_CLIENT_SECRET: 'retention-test-secret',
        RETENTION_HOST: '127.0.0.1',
        RETENTION_PORT: String(port),
        RETENTION_API_TOKENS: 'relay-crash-token-0123456789',
        RETENTION_GROUP_ID: groupId,
        RETENTION_RELAY_INTERVAL_MS: '100',
        DATABASE_URL: database.url ?? '',
      },
    });
    instances.push(app);
    await app.start();
    return app;
  };

  beforeAll(async () => {
    ensureBuilt(['retention'], () => undefined);
    folder = mkdtempSync(join(tmpdir(), 'retention-relay-crash-'));
    database = await createPostgresDatabase('retention_relay_crash');
    sql = new Client({ connectionString: database.url });
    await sql.connect();
    billwerk = new FakeBillwerk();
    await billwerk.start();
    hooks = new HookPublisher(kafka);
    await startGroupAtEnd(kafka, groupId);
  });

  afterAll(async () => {
    for (const app of instances) await app.close();
    await hooks?.close();
    await sql?.end();
    await database?.drop();
    await billwerk?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('publishes the action once when the relay dies after Kafka acknowledged it', async () => {
    const first = await instance('retention-1');
    await sql.query(HOLD_MARKS);
    const from = await actionsSnapshot(kafka);

    const contract = billwerk.addContract({
      EndDate: new Date(Date.now() + 30 * DAY).toISOString(),
    });
    await hooks.publish({ Event: 'ContractCancelled', ContractId: contract.Id });
    await waitFor(
      'the action acknowledged by Kafka',
      async () => (await actionsSince(kafka, from)).length === 1,
      60_000,
    );
    const [sent] = await actionsSince(kafka, from);
    const held = await sql.query<{ status: string }>(
      'SELECT status FROM retention_outbox WHERE id = $1',
      [sent.event.id],
    );
    expect(held.rows).toEqual([{ status: 'pending' }]);

    await first.kill();
    // The dead process's statement would commit the mark once its sleep ended: end it as the
    // server ends a dead client's session, and let marks through again.
    await sql.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    await sql.query('DROP TRIGGER hold_outbox_mark ON retention_outbox');
    // Two minutes pass: the dead relay's claim runs out (moved back, not waited for).
    const claim = await sql.query<{ claimedUntil: string }>(
      'SELECT "claimedUntil" FROM retention_outbox WHERE id = $1',
      [sent.event.id],
    );
    await sql.query('UPDATE retention_outbox SET "claimedUntil" = $2 WHERE id = $1', [
      sent.event.id,
      new Date(Date.parse(claim.rows[0].claimedUntil) - CLAIM_MS).toISOString(),
    ]);

    const second = await instance('retention-2');
    await waitFor(
      'the row marked published by the second instance',
      async () =>
        (
          await sql.query<{ status: string }>('SELECT status FROM retention_outbox WHERE id = $1', [
            sent.event.id,
          ])
        ).rows[0].status === 'published',
      60_000,
    );
    // A relay round that would send again has had time to: several rounds at 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const published = await actionsSince(kafka, from);
    expect(published.map((action) => action.event.id)).toEqual([sent.event.id]);
    const metrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(metrics).toMatch(/^retention_actions_found_published_total(\{[^}]*\})? 1$/m);
  });
});
