import { BILLWERK_TOPICS } from '@app/contracts';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { cloudEventJson } from '../../apps/audit/test/audit-fixtures';
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
    const producer = testKafka([kafka.brokers]);
    // Produced in slices while the audit app is being killed and restarted.
    const producing = (async () => {
      for (let sent = 0; sent < EVENTS; sent += 250) {
        const topic = TOPICS[(sent / 250) % TOPICS.length];
        const messages = Array.from({ length: 250 }, (_, i) => {
          const value = JSON.parse(
            cloudEventJson('ContractChanged', { ContractId: `${sent + i}` }),
          ) as Record<string, unknown>;
          return { key: String((sent + i) % 17), value: JSON.stringify({ ...value, source }) };
        });
        await produce(producer, topic, messages);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

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
    const running = child as ChildProcess;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      running.once('exit', (code, signal) => resolve({ code, signal })),
    );
    running.kill('SIGTERM');
    const { code, signal } = await exited;
    // Nest re-raises the signal after closing the app.
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(output).toContain('audit consumer stopped');

    // Everything on the topics was stored (the test above), so every partition's committed
    // offset must be its end. Not the row count: the test producer is not idempotent, and a
    // retried send under load leaves duplicates on a topic that the audit stores once.
    const admin = testKafka([kafka.brokers]).admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId, topics: TOPICS });
    const ends = await Promise.all(
      TOPICS.map(async (topic) => ({
        topic,
        partitions: (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({
          partition,
          offset: high,
        })),
      })),
    );
    await admin.disconnect();
    const byPartition = (offsets: typeof ends): string[] =>
      offsets
        .flatMap(({ topic, partitions }) =>
          partitions.map(({ partition, offset }) => `${topic}/${partition}@${offset}`),
        )
        .sort();
    expect(byPartition(committed)).toEqual(byPartition(ends));
  });
});
