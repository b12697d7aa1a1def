import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { Writable } from 'node:stream';
import { testKafka, uniqueName } from '../../../test/support/kafka';
import { KafkaStarter, topicSpecs } from '../src/kafka/kafka-starter';

function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino(sink), lines };
}

async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('KafkaStarter', () => {
  it('creates the missing topics, then starts once', async () => {
    const kafka = testKafka();
    const topic = uniqueName('platform.starter');
    const { logger, lines } = recordingLogger();
    let starts = 0;
    const starter = new KafkaStarter({
      kafka,
      security: {},
      topics: topicSpecs([topic], { partitions: 2, replicationFactor: 1 }),
      start: () => {
        starts += 1;
        return Promise.resolve();
      },
      logger,
      failure: 'Kafka not usable',
    });
    starter.begin();
    await waitFor('the start', () => starter.started);
    await starter.stop();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata.partitions).toHaveLength(2);
    } finally {
      await admin.disconnect();
    }
    expect(starts).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'created Kafka topics', topics: [topic] }),
    ]);
  });

  it('retries a failing start with a doubling, capped wait, undoing each attempt, until stopped', async () => {
    const { logger, lines } = recordingLogger();
    let undone = 0;
    const starter = new KafkaStarter({
      kafka: testKafka(),
      security: {},
      topics: [],
      start: () => Promise.reject(new Error('group coordinator not available')),
      undo: () => {
        undone += 1;
        return Promise.resolve();
      },
      logger,
      failure: 'Kafka not usable at start; retrying',
      backoff: { initialMs: 20, maxMs: 80 },
    });
    starter.begin();
    await waitFor('five failed attempts', () => lines.length >= 5);
    await starter.stop();
    const seen = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines.length).toBe(seen);
    expect(starter.started).toBe(false);
    expect(undone).toBe(seen);
    expect(lines.slice(0, 5).map((line) => line.retryInMs)).toEqual([20, 40, 80, 80, 80]);
    expect(lines[0]).toMatchObject({
      msg: 'Kafka not usable at start; retrying',
      err: expect.stringContaining('group coordinator not available'),
    });
  });

  it('stop undoes an attempt still under way, so a start waiting to join ends at once', async () => {
    const { logger } = recordingLogger();
    let release: (() => void) | undefined;
    const starter = new KafkaStarter({
      kafka: testKafka(),
      security: {},
      topics: [],
      // A consumer waiting for its group: it returns only once stopped.
      start: () => new Promise<void>((resolve) => (release = resolve)),
      undo: () => {
        release?.();
        return Promise.resolve();
      },
      logger,
      failure: 'Kafka not usable',
    });
    starter.begin();
    await waitFor('the start under way', () => release !== undefined);
    const stopping = Date.now();
    await starter.stop();
    expect(Date.now() - stopping).toBeLessThan(1000);
    expect(starter.started).toBe(false);
  });

  it('keeps trying while the broker cannot be reached, never starting', async () => {
    const { logger, lines } = recordingLogger();
    let starts = 0;
    const unreachable = new Kafka({
      clientId: 'starter-test',
      brokers: ['127.0.0.1:1'],
      connectionTimeout: 100,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
    const starter = new KafkaStarter({
      kafka: unreachable,
      security: {},
      topics: topicSpecs(['never.created'], { partitions: 1, replicationFactor: 1 }),
      start: () => {
        starts += 1;
        return Promise.resolve();
      },
      logger,
      failure: 'Kafka not usable',
      backoff: { initialMs: 10, maxMs: 10 },
    });
    starter.begin();
    await waitFor('two failed attempts', () => lines.length >= 2);
    await starter.stop();
    expect(starts).toBe(0);
    expect(starter.started).toBe(false);
  });
});
