import { BILLWERK_TOPICS } from '@app/contracts';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Admin, Message } from 'kafkajs';
import { Client } from 'pg';
import { cloudEventJson } from '../fixtures/cloud-events';
import { createPostgresDatabase, type TestDatabase } from '../support/databases';
import { createTopics, produce, testKafka, uniqueName } from '../support/kafka';
import { startPrivateKafka, type PrivateKafka } from '../support/private-kafka';
import { waitFor } from '../support/wait-for';

jest.setTimeout(300_000);

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist/apps/audit/apps/audit/src/main.js');
const TOKEN = 'sigkill-token-0123456789';
const EVENTS = 6000;
const TOPICS = ['billwerk.contract.v1', 'billwerk.customer.v1', 'billwerk.payment.v1'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** The built audit app as operators run it, killed with SIGKILL at arbitrary points. */
describe('audit process killed mid-stream, then stopped', () => {
  let kafka: PrivateKafka;
  let database: TestDatabase;
  let client: Client;
  let child: ChildProcess | undefined;
  let output = '';
  const source = `billwerk/sigkill-${randomBytes(4).toString('hex')}`;
  const env = (port: number): NodeJS.ProcessEnv => ({
    ...process.env,
    AUDIT_API_TOKENS: TOKEN,
    DATABASE_URL: database.url,
    KAFKA_BROKERS: kafka.brokers,
    AUDIT_GROUP_ID: groupId,
    AUDIT_PORT: String(port),
    AUDIT_HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  });
  const groupId = uniqueName('audit-sigkill');
  let port: number;

  const startAudit = (): void => {
    child = spawn(process.execPath, [MAIN], { env: env(port), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  };
  const kill = async (): Promise<void> => {
    const running = child;
    // Exited already (by itself or by a signal): there is no 'exit' left to wait for.
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  /** Started and serving: its API answers and its signal handlers are installed. */
  const live = async (): Promise<void> => {
    await waitFor(
      'audit answering',
      async () =>
        (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => null))?.ok === true,
      60_000,
    );
  };
  const stored = async (): Promise<{ rows: number; distinct: number }> => {
    const result = await client.query<{ rows: string; distinct: string }>(
      'SELECT COUNT(*) AS rows, COUNT(DISTINCT event_id) AS distinct FROM audit_events WHERE source = $1',
      [source],
    );
    return { rows: Number(result.rows[0].rows), distinct: Number(result.rows[0].distinct) };
  };

  /** `count` events numbered from `from`, keyed over 17 keys. */
  const events = (from: number, count: number): Message[] =>
    Array.from({ length: count }, (_, i) => {
      const value = JSON.parse(
        cloudEventJson('ContractChanged', { ContractId: `${from + i}` }),
      ) as Record<string, unknown>;
      return { key: String((from + i) % 17), value: JSON.stringify({ ...value, source }) };
    });
  /** Events `[from, to)` in slices of 250, one topic per slice in turn, 50 ms apart. */
  const produceSlices = async (from: number, to: number): Promise<void> => {
    const producer = testKafka([kafka.brokers]);
    for (let sent = from; sent < to; sent += 250) {
      await produce(producer, TOPICS[(sent / 250) % TOPICS.length], events(sent, 250));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  /** `topic/partition@offset` for each partition of TOPICS, sorted. */
  const listed = (
    offsets: { topic: string; partitions: { partition: number; offset: string }[] }[],
  ): string[] =>
    offsets
      .flatMap(({ topic, partitions }) =>
        partitions.map(({ partition, offset }) => `${topic}/${partition}@${offset}`),
      )
      .sort();
  const withAdmin = async <T>(use: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = testKafka([kafka.brokers]).admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  };
  const committedOffsets = (): Promise<string[]> =>
    withAdmin(async (admin) => listed(await admin.fetchOffsets({ groupId, topics: TOPICS })));
  const endOffsets = (): Promise<string[]> =>
    withAdmin(async (admin) =>
      listed(
        await Promise.all(
          TOPICS.map(async (topic) => ({
            topic,
            partitions: (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({
              partition,
              offset: high,
            })),
          })),
        ),
      ),
    );
  /**
   * Per partition, the offset after its last stored row: what a consumer that committed all it
   * stored has committed.
   */
  const storedOffsets = async (): Promise<string[]> => {
    const result = await client.query<{ topic: string; partition: number; next: string }>(
      `SELECT topic, kafka_partition AS partition, MAX(kafka_offset) + 1 AS next
         FROM audit_events WHERE topic = ANY($1) GROUP BY topic, kafka_partition`,
      [TOPICS],
    );
    return result.rows.map((row) => `${row.topic}/${row.partition}@${row.next}`).sort();
  };

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'audit'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    kafka = await startPrivateKafka();
    database = await createPostgresDatabase();
    client = new Client({ connectionString: database.url });
    await client.connect();
    port = await freePort();
    await createTopics(testKafka([kafka.brokers]), [...BILLWERK_TOPICS], 3);
  });

  afterAll(async () => {
    await kill();
    await client?.end();
    await database?.drop();
    await kafka?.release();
  });

  it('has every event exactly once after two SIGKILLs and restarts', async () => {
    // Produced in slices while the audit app is being killed and restarted.
    const producing = produceSlices(0, EVENTS);

    startAudit();
    await waitFor('first rows', async () => (await stored()).rows >= 1000, 120_000);
    await kill();
    startAudit();
    await waitFor('more rows after restart', async () => (await stored()).rows >= 3000, 120_000);
    await kill();
    startAudit();
    await producing;
    await live();
    await waitFor(
      `all ${EVENTS} events`,
      async () => (await stored()).rows >= EVENTS,
      120_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output.slice(-2000)}`);
    });

    expect(await stored()).toEqual({ rows: EVENTS, distinct: EVENTS });
    const verify = await fetch(`http://127.0.0.1:${port}/audit/verify`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const report = (await verify.json()) as { ok: boolean };
    expect(report.ok).toBe(true);
  });

  it('stops gracefully on SIGTERM with every stored row committed', async () => {
    // The killed instances stored rows they never committed; redelivered, they are no-ops, and
    // the instance now running commits every partition to its end.
    const ends = await endOffsets();
    await waitFor(
      'every partition committed to its end',
      async () => (await committedOffsets()).join() === ends.join(),
      120_000,
    );
    expect(await committedOffsets()).toEqual(ends);

    // From here on one instance stores everything: stopped mid-stream, it must have committed
    // exactly what it stored: no more (a loss), no less (the batch in hand finished and committed).
    // Enough at once that the stop lands while batches are being written.
    const burst = 18_000;
    const producer = testKafka([kafka.brokers]);
    const producing = Promise.all(
      TOPICS.map((topic, t) =>
        produce(
          producer,
          topic,
          events(EVENTS + (t * burst) / TOPICS.length, burst / TOPICS.length),
        ),
      ),
    );
    await waitFor('rows of the burst', async () => (await stored()).rows >= EVENTS + 2000);
    const running = child as ChildProcess;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      running.once('exit', (code, signal) => resolve({ code, signal })),
    );
    running.kill('SIGTERM');
    const { code, signal } = await exited;
    await producing;
    // Nest re-raises the signal after closing the app.
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(output).toContain('audit consumer stopped');
    expect(await committedOffsets()).toEqual(await storedOffsets());
  });
});
