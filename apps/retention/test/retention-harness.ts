import {
  RETENTION_ACTIONS_TOPIC,
  RETENTION_CONSUMED_TOPICS,
  RETENTION_DLQ_TOPIC,
} from '@app/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pino from 'pino';
import { createDataSource } from '@app/persistence';
import { Like, type DataSource } from 'typeorm';
import {
  endOffsets,
  readBetween,
  testKafka,
  type Offsets,
  type ReadMessage,
} from '../../../test/support/topic-reader';
import { loadRetentionConfig } from '../src/config/retention.config';
import { OutboxEntity } from '../src/persistence/entities/outbox.entity';
import { PendingHookEntity } from '../src/persistence/entities/pending-hook.entity';
import { RETENTION_ENTITIES } from '../src/persistence/retention-store';
import type { CaseDetailDto } from '../src/retention-case/retention-case.dto';
import { createRetentionApp } from '../src/retention.app';
import type { HookBody } from '../../../test/fixtures/billwerk-hooks';
import { hookRecord } from '../../../test/fixtures/cloud-events';
import type { TestDatabase } from '../../../test/support/databases';
import { commitGroupAtEnd } from '../../../test/support/kafka';
import { startLocalKafka, stopLocalKafka } from '../../../tools/kafka/local-kafka';

export const API_TOKEN = 'retention-test-token-0123456789';

export interface RunningRetention {
  app: NestFastifyApplication;
  url: string;
  /**
   * The test's own connection to retention's database, to look at what it stored (the app's
   * store keeps its connection to itself).
   */
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Polls until `check` holds; the deadline only bounds a broken test, it asserts nothing. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  deadlineMs = 60_000,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A single-node broker of one spec's own: stopping it disturbs nobody else's tests. */
export interface OwnBroker {
  brokers: string;
  kafka: Kafka;
  /** Starts it again after `stop` (its storage, topics included, is kept). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a broker on `port` (controller on the next) with every topic retention uses. */
export async function startOwnBroker(port: number): Promise<OwnBroker> {
  const options = { port, controllerPort: port + 1, heapMb: 384, log: () => undefined };
  const topics = [...RETENTION_CONSUMED_TOPICS, RETENTION_ACTIONS_TOPIC, RETENTION_DLQ_TOPIC];
  await startLocalKafka({
    ...options,
    topics: topics.map((topic) => ({ topic, numPartitions: 1 })),
  });
  const brokers = `127.0.0.1:${port}`;
  return {
    brokers,
    kafka: new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }),
    start: async () => {
      await startLocalKafka(options);
    },
    stop: async () => {
      await stopLocalKafka(options);
    },
  };
}

/**
 * Commits the group's offsets at the topics' current ends, so its consumers (however many,
 * however they rebalance) read exactly what the test publishes from now on.
 */
export async function startGroupAtEnd(kafka: Kafka, groupId: string): Promise<void> {
  await commitGroupAtEnd(kafka, groupId, RETENTION_CONSUMED_TOPICS);
}

/** A real retention app on a free port, against the Kafka in KAFKA_BROKERS. */
export async function startRetention(options: {
  database: TestDatabase;
  billwerkUrl: string;
  groupId: string;
  env?: Record<string, string>;
  /** Receives every log line (parsed), whatever TEST_LOG_LEVEL says. */
  logs?: Array<Record<string, unknown>>;
}): Promise<RunningRetention> {
  const config = loadRetentionConfig({
    NODE_ENV: 'test',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    BILLWERK_API_URL: options.billwerkUrl,
    BILLWERK_CLIENT_ID: 'retention-test',
    BILLWERK_CLIENT_SECRET: 'retention-test-secret',
    BILLWERK_TIMEOUT_MS: '2000',
    BILLWERK_MAX_RETRIES: '1',
    RETENTION_API_TOKENS: API_TOKEN,
    RETENTION_GROUP_ID: options.groupId,
    RETENTION_RELAY_INTERVAL_MS: '50',
    RETENTION_PENDING_RETRY_MS: '100',
    RETENTION_SQLITE_PATH: options.database.sqlitePath,
    ...(options.database.url ? { DATABASE_URL: options.database.url } : {}),
    ...options.env,
  });
  const logs = options.logs;
  const logger = logs
    ? pino(
        { level: 'info' },
        { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
      )
    : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const app = await createRetentionApp(config, logger);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const dataSource = createDataSource(
    { ...config.database, poolSize: 2 },
    { entities: RETENTION_ENTITIES, migrations: [] },
  );
  await dataSource.initialize();
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    dataSource,
    close: async () => {
      await app.close();
      await dataSource.destroy();
    },
  };
}

/** Publishes hooks the way the ingress does: CloudEvents envelope, catalog topic, contract key. */
export class HookPublisher {
  private producer: Producer | undefined;

  constructor(private readonly kafka: Kafka) {}

  async publish(...bodies: HookBody[]): Promise<void> {
    await this.publishReceivedAt(new Date(), ...bodies);
  }

  /** Publishes hooks as if the ingress had received them at `receivedAt` (a backlog). */
  async publishReceivedAt(receivedAt: Date, ...bodies: HookBody[]): Promise<void> {
    if (!this.producer) {
      // Idempotent, one request in flight: a retried send must not publish a hook twice.
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    for (const body of bodies) {
      const { topic, ...message } = hookRecord(body, { sourceName: 'test', receivedAt });
      await this.producer.send({ topic, acks: -1, messages: [message] });
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}

/** Waits until the group committed everything published so far. */
export async function caughtUp(kafka: Kafka, groupId: string, deadlineMs = 60_000): Promise<void> {
  const ends = await endOffsets(kafka, RETENTION_CONSUMED_TOPICS);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitFor(
      'the consumer group to catch up',
      async () => {
        for (const [topic, partitions] of ends) {
          const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
          for (const { partition, offset } of committed[0].partitions) {
            const end = partitions.get(partition) ?? '0';
            // A group never commits a partition that holds nothing (-1 there is caught up).
            if (end !== '0' && BigInt(offset) < BigInt(end)) return false;
          }
        }
        return true;
      },
      deadlineMs,
    );
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the group committed everything published so far and nothing due is unpublished. */
export async function drained(
  kafka: Kafka,
  groupId: string,
  dataSource: DataSource,
): Promise<void> {
  await caughtUp(kafka, groupId);
  await waitFor('due actions to be published', async () => {
    const due = await dataSource.manager
      .createQueryBuilder(OutboxEntity, 'o')
      .where('o.status = :pending AND o.dueAt <= :now', {
        pending: 'pending',
        now: new Date().toISOString(),
      })
      .getCount();
    return due === 0;
  });
}

/** Parked hooks whose envelope mentions `id`. */
export async function parkedHooks(dataSource: DataSource, id: string): Promise<number> {
  return dataSource.manager.countBy(PendingHookEntity, { value: Like(`%${id}%`) });
}

export interface PublishedAction {
  key: string | null;
  headers: Record<string, string>;
  event: {
    id: string;
    type: string;
    subject: string;
    data: Record<string, unknown> & { caseId: string; action: string };
  };
}

export async function actionsSnapshot(kafka: Kafka): Promise<Offsets> {
  return endOffsets(kafka, [RETENTION_ACTIONS_TOPIC]);
}

/** The actions published since `from`. */
export async function actionsSince(kafka: Kafka, from: Offsets): Promise<PublishedAction[]> {
  const messages: ReadMessage[] = await readBetween(kafka, from, await actionsSnapshot(kafka));
  return messages.map((m) => ({
    key: m.key,
    headers: m.headers,
    event: JSON.parse(m.value) as PublishedAction['event'],
  }));
}

/** Calls the case API; `T` is what a successful answer holds. */
export async function api<T = CaseDetailDto>(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string | null; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const token = options.token === undefined ? API_TOKEN : options.token;
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export { testKafka };
