import { createLogger } from '@app/observability';
import { parseDeadLetterHeaders } from '@app/contracts';
import {
  committedTotal,
  consumeAll,
  createTopics,
  produce,
  testBrokers,
  testKafka,
  uniqueName,
} from '../../../test/support/kafka';
import { waitFor } from '../../../test/support/wait-for';
import { AcknowledgedProducer } from '../src/acknowledged-producer';
import { createKafka } from '../src/kafka-client';
import { PoisonRecordError } from '../src/failure-policy';
import {
  ResilientConsumer,
  type ConsumedRecord,
  type RecordsHandler,
  type ResilientConsumerOptions,
} from '../src/resilient-consumer';

jest.setTimeout(90_000);

describe('ResilientConsumer against a real broker', () => {
  const kafka = testKafka();
  const logger = createLogger('resilient-consumer-test', 'fatal');
  let topic: string;
  let deadLetterTopic: string;
  let groupId: string;
  let producer: AcknowledgedProducer;
  let runner: ResilientConsumer | undefined;

  beforeEach(async () => {
    topic = uniqueName('resilient');
    deadLetterTopic = `${topic}.dlq`;
    groupId = uniqueName('resilient-group');
    await createTopics(kafka, [topic, deadLetterTopic], 1);
    producer = new AcknowledgedProducer(
      createKafka({ brokers: testBrokers(), clientId: 'resilient-test' }, logger),
      logger,
    );
  });

  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await producer.disconnect();
  });

  async function start(
    handler: RecordsHandler,
    options: Partial<ResilientConsumerOptions> = {},
  ): Promise<ResilientConsumer> {
    const client = createKafka({ brokers: testBrokers(), clientId: 'resilient-test' }, logger);
    runner = new ResilientConsumer(client, producer, handler, logger, {
      groupId,
      topics: [topic],
      deadLetterTopic,
      deterministicAttempts: 3,
      backoff: { initialMs: 100, maxMs: 1000 },
      ...options,
    });
    await runner.start();
    return runner;
  }

  const values = (count: number): { value: string }[] =>
    Array.from({ length: count }, (_, i) => ({ value: `record-${i}` }));

  it('a stop() while it is still connecting leaves no consumer running', async () => {
    const client = createKafka({ brokers: testBrokers(), clientId: 'resilient-test' }, logger);
    const stopped = new ResilientConsumer(client, producer, () => Promise.resolve(), logger, {
      groupId,
      topics: [topic],
      deadLetterTopic,
      deterministicAttempts: 3,
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    const starting = stopped.start();
    await stopped.stop();
    await starting;
    // A consumer that ran anyway would join the group within a few seconds.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0].members).toHaveLength(0);
    } finally {
      await admin.disconnect();
    }
    expect(stopped.status().state).toBe('stopped');
  });

  it('isolates a poison record in a batch, dead-letters it after 3 attempts and commits past it', async () => {
    await produce(kafka, topic, [
      ...values(10),
      { value: 'poison' },
      ...values(10).map((m) => ({ value: `${m.value}b` })),
    ]);
    const processed: string[] = [];
    const poisonAttempts: number[] = [];
    await start(async (records) => {
      const texts = records.map((r) => r.message.value?.toString() ?? '');
      if (texts.includes('poison')) {
        if (records.length === 1) poisonAttempts.push(1);
        // The way a record nested 5,000 deep fails a recursive walk.
        throw new RangeError('Maximum call stack size exceeded');
      }
      processed.push(...texts);
      return Promise.resolve();
    });
    const [letter] = await consumeAll(kafka, deadLetterTopic, 1);
    expect(letter.value).toBe('poison');
    const info = parseDeadLetterHeaders(letter.headers);
    expect(info).toMatchObject({
      errorCode: 'RangeError',
      error: 'Maximum call stack size exceeded',
      originTopic: topic,
      originPartition: 0,
      originOffset: '10',
      consumerGroup: groupId,
      attempts: 3,
    });
    await waitFor(
      'every offset committed',
      async () => (await committedTotal(kafka, groupId, topic)) === 21,
    );
    expect(poisonAttempts).toHaveLength(3);
    expect(processed).toHaveLength(20);
    expect(new Set(processed).size).toBe(20);
    // Order within the partition is kept around the poison record.
    expect(processed.slice(0, 10)).toEqual(values(10).map((m) => m.value));
  });

  it('dead-letters records the handler rejects at once, with attempts 1', async () => {
    await produce(kafka, topic, [{ value: 'good' }, { value: 'too-deep' }]);
    const stored: string[] = [];
    await start((records) => {
      const rejected = [];
      for (const record of records) {
        const text = record.message.value?.toString();
        if (text === 'too-deep') {
          rejected.push({
            message: record.message,
            code: 'TOO_DEEP',
            error: 'nested deeper than 64',
          });
        } else stored.push(text ?? '');
      }
      return Promise.resolve({ rejected });
    });
    const [letter] = await consumeAll(kafka, deadLetterTopic, 1);
    expect(parseDeadLetterHeaders(letter.headers)).toMatchObject({
      errorCode: 'TOO_DEEP',
      attempts: 1,
    });
    await waitFor('committed', async () => (await committedTotal(kafka, groupId, topic)) === 2);
    expect(stored).toEqual(['good']);
  });

  it('pauses on a transient failure, reports not ready, keeps its membership and resumes by itself', async () => {
    await produce(kafka, topic, values(30));
    let databaseUp = false;
    const stored: string[] = [];
    const calls: number[] = [];
    const consumer = await start(
      (records: ConsumedRecord[]) => {
        calls.push(records.length);
        if (!databaseUp) {
          return Promise.reject(
            Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
              code: 'ECONNREFUSED',
            }),
          );
        }
        stored.push(...records.map((r) => r.message.value?.toString() ?? ''));
        return Promise.resolve();
      },
      {
        maxRecordsPerCall: 1,
        healthProbe: () => (databaseUp ? Promise.resolve() : Promise.reject(new Error('down'))),
        consumer: { sessionTimeout: 6000, heartbeatInterval: 1000 },
      },
    );
    await waitFor('not ready', () => consumer.status().state === 'backing-off');
    expect(consumer.status()).toMatchObject({ ready: false, state: 'backing-off' });
    // Longer than the session timeout: only heartbeats during the wait keep the member in.
    await new Promise((resolve) => setTimeout(resolve, 8000));
    expect(stored).toHaveLength(0);
    const callsWhileDown = calls.length;
    databaseUp = true;
    await waitFor('all stored', () => stored.length === 30, 30_000);
    expect(consumer.status()).toMatchObject({ ready: true, state: 'running', groupJoins: 1 });
    expect(stored).toEqual(values(30).map((m) => m.value));
    expect(new Set(calls)).toEqual(new Set([1]));
    // Backoff, not a hot loop: a handful of attempts in 8 s.
    expect(callsWhileDown).toBeLessThan(15);
    await waitFor('committed', async () => (await committedTotal(kafka, groupId, topic)) === 30);
  });

  it('treats an unknown error as deterministic while the health probe passes', async () => {
    await produce(kafka, topic, [{ value: 'a' }, { value: 'odd' }, { value: 'b' }]);
    const stored: string[] = [];
    await start(
      (records) => {
        const texts = records.map((r) => r.message.value?.toString() ?? '');
        if (texts.includes('odd')) throw new TypeError('cannot read properties of undefined');
        stored.push(...texts);
        return Promise.resolve();
      },
      { healthProbe: () => Promise.resolve(), deterministicAttempts: 2 },
    );
    const [letter] = await consumeAll(kafka, deadLetterTopic, 1);
    expect(parseDeadLetterHeaders(letter.headers)).toMatchObject({
      errorCode: 'TypeError',
      attempts: 2,
    });
    await waitFor('committed', async () => (await committedTotal(kafka, groupId, topic)) === 3);
    expect(stored).toEqual(['a', 'b']);
  });

  it('a typed poison error from a single record skips the split', async () => {
    await produce(kafka, topic, [{ value: 'x' }]);
    await start(() => Promise.reject(new PoisonRecordError('INVALID', 'not an envelope')), {
      deterministicAttempts: 1,
    });
    const [letter] = await consumeAll(kafka, deadLetterTopic, 1);
    expect(parseDeadLetterHeaders(letter.headers)).toMatchObject({
      errorCode: 'INVALID',
      attempts: 1,
    });
  });
});
