/**
 * `npm run bench:audit`: fills a fresh topic with realistic billwerk CloudEvents, then measures
 * the audit consumer from Kafka into Postgres end to end, twice in the same run: as the app runs
 * it (HMAC chain over the value bytes, the value stored, a checkpoint per batch) and as a baseline
 * with the previous hashing (unkeyed SHA-256 over the canonical columns, no value, no
 * checkpoints). Then the same rows go into an identical table with plain multi-row INSERTs
 * through `pg` (the database's own limit here), and the linking alone is timed in process.
 * Prints the rates and their ratios. Not a test: nothing here asserts.
 *
 * Settings: KAFKA_BROKERS (default 127.0.0.1:9092) and the apps' KAFKA_SASL_* / KAFKA_SSL*,
 * BENCH_POSTGRES_URL (an admin URL on the
 * server to bench, default postgres://postgres@127.0.0.1:5432/test), BENCH_EVENTS (200000).
 */
import { loadKafkaClientSettings } from '@app/config';
import { AUDIT_CHECKPOINTS_TOPIC } from '@app/contracts';
import { AcknowledgedProducer, createKafka, kafkaSecurityConfig } from '@app/messaging';
import { createLogger } from '@app/observability';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openAuditDatabase } from '../apps/audit/src/audit-log/audit-data-source';
import { AuditLogRepository } from '../apps/audit/src/audit-log/audit-log.repository';
import { ChainKeyRing } from '../apps/audit/src/audit-log/chain-keys';
import type { AuditRecord } from '../apps/audit/src/audit-log/audit-record';
import {
  canonicalRow,
  GENESIS_HASH,
  keyedLinker,
  legacyChainHash,
  type ChainLinker,
} from '../apps/audit/src/audit-log/hash-chain';
import {
  CheckpointWriter,
  type CheckpointRecorder,
} from '../apps/audit/src/checkpoints/checkpoint-writer';
import { AuditConsumer } from '../apps/audit/src/ingestion/audit-consumer';
import { toAuditRecord } from '../apps/audit/src/ingestion/audit-message';
import { AuditMetrics } from '../apps/audit/src/metrics/audit-metrics';
import { catalogHooks } from '../apps/audit/test/catalog-hooks';
import { ensureCheckpointTopic } from '../apps/audit/test/consumer-harness';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
/** Rounds of both variants, the order alternating, so neither always runs on a cold database. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PARTITIONS = 3;
const KAFKA = loadKafkaClientSettings(process.env);
const BROKERS = KAFKA.brokers;
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const INSERT_ROWS = 1000;
const BENCH_CHAIN_KEYS = new ChainKeyRing({
  id: 'bench',
  secret: randomBytes(32).toString('base64'),
});
/** Messages per partition per produce request: stays under the broker's 1 MiB batch limit. */
const FILL_SLICE = 800;
const COLUMNS =
  'event_id,type,source,subject,contract_id,customer_id,topic,kafka_partition,kafka_offset,' +
  'kafka_timestamp,received_at,recorded_at,retry_count,data,headers,hash';

const log = (line: string): void => void process.stdout.write(`${line}\n`);

/** The previous hashing: unkeyed SHA-256 over the canonical columns; no value kept. */
const legacyLinker: ChainLinker = (previousHash, record) => {
  const canonical = canonicalRow(record);
  return {
    hash: legacyChainHash(previousHash, canonical.content),
    keyId: null,
    rawValue: null,
    dataJson: canonical.dataJson,
    headersJson: canonical.headersJson,
  };
};

type Variant = 'keyed' | 'baseline';

/** Every catalog event in turn, each about its own customer and contract, as the ingress sends. */
function realisticMessages(count: number): Message[][] {
  const byPartition: Message[][] = Array.from({ length: PARTITIONS }, () => []);
  for (let i = 0; i < count; i += 1) {
    const ids = {
      customerId: (0x5f000000 + (i % 50_000)).toString(16).padStart(24, '0'),
      contractId: (0x6a000000 + (i % 80_000)).toString(16).padStart(24, '0'),
    };
    const hooks = catalogHooks(ids);
    const hook = hooks[i % hooks.length];
    const id = randomUUID();
    const type = `billwerk.${hook.event}`;
    const value = JSON.stringify({
      specversion: '1.0',
      id,
      source: 'billwerk/bench',
      type,
      subject: ids.contractId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      retrycount: i % 7 === 0 ? 1 : 0,
      data: hook.body,
    });
    byPartition[i % PARTITIONS].push({
      key: ids.contractId,
      value,
      headers: {
        'content-type': 'application/cloudevents+json',
        ce_id: id,
        ce_type: type,
        ce_source: 'billwerk/bench',
        traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
      },
    });
  }
  return byPartition;
}

async function fill(kafka: Kafka, topic: string, byPartition: Message[][]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  // Idempotent, one request in flight: a retried slice must not leave duplicates in the count.
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  for (let start = 0; start < byPartition[0].length; start += FILL_SLICE) {
    await producer.sendBatch({
      acks: -1,
      topicMessages: byPartition.map((messages, partition) => ({
        topic,
        messages: messages.slice(start, start + FILL_SLICE).map((m) => ({ ...m, partition })),
      })),
    });
  }
  await producer.disconnect();
}

async function withDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const name = `audit_bench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    return await run(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * The audit consumer on the bench topic, as the app runs it (`keyed`) or with the previous
 * hashing and no checkpoints (`baseline`); seconds until the last row.
 */
async function kafkaToPostgres(
  topic: string,
  variant: Variant,
): Promise<{ seconds: number; steadySeconds: number; checkpoints: number }> {
  return withDatabase(async (url) => {
    const { dataSource } = await openAuditDatabase(
      { url, sqlitePath: '', poolSize: 10 },
      { migrate: true },
    );
    const logger = createLogger('audit-bench', 'warn');
    const kafka = createKafka({ ...KAFKA, clientId: 'audit-bench' }, logger);
    const deadLetters = new AcknowledgedProducer(kafka, logger);
    const checkpoints = new AcknowledgedProducer(kafka, logger);
    const groupId = `audit-bench-${randomBytes(4).toString('hex')}`;
    await ensureCheckpointTopic(kafka);
    const metrics = new AuditMetrics();
    let checkpointRequests = 0;
    const recorder: CheckpointRecorder =
      variant === 'keyed'
        ? new CheckpointWriter(
            (batches) => {
              checkpointRequests += 1;
              return checkpoints.send(batches);
            },
            { topic: AUDIT_CHECKPOINTS_TOPIC, group: groupId },
          )
        : { record: () => Promise.resolve() };
    const consumer = new AuditConsumer(
      kafka,
      new AuditLogRepository(
        dataSource,
        variant === 'keyed' ? keyedLinker(BENCH_CHAIN_KEYS) : legacyLinker,
      ),
      deadLetters,
      recorder,
      metrics,
      logger,
      {
        groupId,
        topics: [topic],
        deadLetterTopic: `${topic}.dlq`,
        partitionsConcurrency: PARTITIONS,
        retry: { initialMs: 200, maxMs: 30_000 },
        deterministicAttempts: 3,
      },
    );
    const written = async (): Promise<number> =>
      (await metrics.rowsWritten.get()).values.reduce((sum, v) => sum + v.value, 0);
    const started = process.hrtime.bigint();
    let firstRow: bigint | undefined;
    await consumer.start();
    for (;;) {
      const rows = await written();
      if (rows > 0) firstRow ??= process.hrtime.bigint();
      if (rows >= EVENTS) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const finished = process.hrtime.bigint();
    await consumer.stop();
    await Promise.all([deadLetters.disconnect(), checkpoints.disconnect()]);
    const [{ count }] = await dataSource.query<Array<{ count: string }>>(
      'SELECT COUNT(*) AS count FROM audit_events',
    );
    await dataSource.destroy();
    if (Number(count) !== EVENTS) throw new Error(`expected ${EVENTS} rows, found ${count}`);
    return {
      seconds: Number(finished - started) / 1e9,
      steadySeconds: Number(finished - (firstRow ?? started)) / 1e9,
      checkpoints: checkpointRequests,
    };
  });
}

/** The same rows, prepared up front, inserted with plain multi-row INSERTs: one client per partition. */
async function rawInserts(topic: string, byPartition: Message[][]): Promise<number> {
  const rows = parsedRecords(topic, byPartition).map((records) => {
    let previous = GENESIS_HASH;
    return records.map((r) => {
      const link = legacyLinker(previous, r);
      previous = link.hash;
      return [
        r.eventId,
        r.type,
        r.source,
        r.subject,
        r.contractId,
        r.customerId,
        r.topic,
        r.partition,
        r.offset,
        r.kafkaTimestamp,
        r.receivedAt,
        r.recordedAt,
        r.retryCount,
        link.dataJson,
        link.headersJson,
        link.hash,
      ];
    });
  });
  return withDatabase(async (url) => {
    const { dataSource } = await openAuditDatabase(
      { url, sqlitePath: '', poolSize: 1 },
      { migrate: true },
    );
    await dataSource.destroy();
    const clients = await Promise.all(
      rows.map(async () => {
        const client = new Client({ connectionString: url });
        await client.connect();
        return client;
      }),
    );
    const started = process.hrtime.bigint();
    await Promise.all(
      rows.map(async (partitionRows, index) => {
        for (let start = 0; start < partitionRows.length; start += INSERT_ROWS) {
          const chunk = partitionRows.slice(start, start + INSERT_ROWS);
          const tuples = chunk.map(
            (_, row) =>
              `(${Array.from({ length: 16 }, (__, c) => `$${row * 16 + c + 1}`).join(',')})`,
          );
          await clients[index].query(
            `INSERT INTO audit_events (${COLUMNS}) VALUES ${tuples.join(',')}`,
            chunk.flat(),
          );
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await Promise.all(clients.map((client) => client.end()));
    return seconds;
  });
}

/** The bench messages as the consumer parses them, per partition (offsets from 0). */
function parsedRecords(topic: string, byPartition: Message[][]): AuditRecord[][] {
  const now = new Date();
  return byPartition.map((messages, partition) =>
    messages.map((message, offset) => {
      const parsed = toAuditRecord(
        topic,
        partition,
        {
          offset: String(offset),
          timestamp: String(now.getTime()),
          value: Buffer.from(message.value as string),
          headers: message.headers,
        },
        now,
      );
      if (!parsed.ok) throw new Error(parsed.problem);
      return parsed.record;
    }),
  );
}

/** CPU per row of linking alone (parse excluded), each linker over every prepared record. */
function timeLinking(topic: string, byPartition: Message[][]): Record<Variant, number> {
  const records = parsedRecords(topic, byPartition).flat();
  const time = (link: ChainLinker): number => {
    let previous = GENESIS_HASH;
    const started = process.hrtime.bigint();
    for (const record of records) previous = link(previous, record).hash;
    return Number(process.hrtime.bigint() - started) / 1e3 / records.length;
  };
  const keyed = keyedLinker(BENCH_CHAIN_KEYS);
  // Once each to warm up, then the measured round.
  time(legacyLinker);
  time(keyed);
  return { baseline: time(legacyLinker), keyed: time(keyed) };
}

async function main(): Promise<void> {
  const kafka = new Kafka({
    clientId: 'audit-bench-fill',
    brokers: BROKERS,
    ...kafkaSecurityConfig(KAFKA.security),
    logLevel: logLevel.WARN,
  });
  const topic = `bench.audit.${randomBytes(4).toString('hex')}`;
  log(
    `audit bench: ${EVENTS} events, ${PARTITIONS} partitions, topic ${topic}, brokers ${BROKERS.join(',')}`,
  );
  const messages = realisticMessages(EVENTS);
  const bytes = messages.flat().reduce((sum, m) => sum + Buffer.byteLength(m.value as string), 0);
  const fillStarted = Date.now();
  await fill(kafka, topic, messages);
  log(
    `filled in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s (average value ${Math.round(bytes / EVENTS)} bytes)`,
  );

  const runs: Record<Variant, Array<Awaited<ReturnType<typeof kafkaToPostgres>>>> = {
    baseline: [],
    keyed: [],
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    const order: Variant[] = round % 2 === 0 ? ['baseline', 'keyed'] : ['keyed', 'baseline'];
    for (const variant of order) runs[variant].push(await kafkaToPostgres(topic, variant));
  }
  const raw = await rawInserts(topic, messages);
  const linking = timeLinking(topic, messages);
  const rate = (seconds: number): number => Math.round(EVENTS / seconds);
  const rawRate = EVENTS / raw;
  log('');
  const labels: Record<Variant, string> = {
    baseline: 'baseline (SHA-256, no value, no checkpoints)',
    keyed: 'keyed (HMAC + value + checkpoints)          ',
  };
  for (const variant of ['baseline', 'keyed'] as const) {
    for (const run of runs[variant]) {
      log(
        `${labels[variant]}: ${rate(run.steadySeconds)} events/s from the first row (${rate(run.seconds)} incl. group join, ${run.seconds.toFixed(2)} s)${variant === 'keyed' ? `, ${run.checkpoints} checkpoint requests` : ''}`,
      );
    }
  }
  const total = (variant: Variant, field: 'seconds' | 'steadySeconds'): number =>
    runs[variant].reduce((sum, run) => sum + run[field], 0);
  log(
    `plain multi-row INSERTs via pg:               ${Math.round(rawRate)} rows/s (${raw.toFixed(2)} s)`,
  );
  log(
    `keyed vs baseline over ${ROUNDS} rounds: ${((total('baseline', 'steadySeconds') / total('keyed', 'steadySeconds')) * 100).toFixed(1)} % of the baseline rate from the first row (${((total('baseline', 'seconds') / total('keyed', 'seconds')) * 100).toFixed(1)} % incl. group join)`,
  );
  log(
    `keyed: ${((EVENTS / (total('keyed', 'seconds') / ROUNDS) / rawRate) * 100).toFixed(1)} % of the raw insert rate (target ≥ 50 %, and ≥ 20000 events/s)`,
  );
  log(
    `linking alone, in process: baseline ${linking.baseline.toFixed(2)} µs/row, keyed ${linking.keyed.toFixed(2)} µs/row`,
  );
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `audit bench failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
