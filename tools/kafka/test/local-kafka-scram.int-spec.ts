import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { BILLWERK_TOPICS, KAFKA_PRINCIPALS, RETENTION_ACTIONS_TOPIC } from '@app/contracts';
import { startFreshKafka } from '../../../test/support/private-kafka';
import { stopLocalKafka, type RunningKafka } from '../local-kafka';

/** This spec's own broker, formatted afresh each run (its users' passwords are drawn per run). */
const BROKER = { port: 21192, controllerPort: 21193, heapMb: 384, log: () => undefined };
const CONTRACT_TOPIC = 'billwerk.contract.v1';
const users = Object.fromEntries(
  KAFKA_PRINCIPALS.map((principal) => [principal, randomBytes(12).toString('base64url')]),
);

let kafka: RunningKafka;

function sasl(username: string, password = users[username]): SASLOptions {
  return { mechanism: 'scram-sha-512', username, password };
}

function client(credentials?: SASLOptions): Kafka {
  return new Kafka({
    clientId: 'scram-spec',
    brokers: [kafka.brokers],
    sasl: credentials,
    connectionTimeout: 2000,
    retry: { retries: 1, initialRetryTime: 100 },
    logLevel: logLevel.NOTHING,
  });
}

async function produce(credentials: SASLOptions | undefined, topic: string, value: string) {
  const producer = client(credentials).producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value }] });
  } finally {
    await producer.disconnect();
  }
}

beforeAll(async () => {
  kafka = await startFreshKafka({
    ...BROKER,
    topics: [...BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC].map((topic) => ({
      topic,
      numPartitions: 1,
    })),
    scram: { users },
  });
}, 180_000);

afterAll(async () => {
  await stopLocalKafka(BROKER);
});

describe('the local launcher with SCRAM and ACLs', () => {
  it('refuses a producer without credentials', async () => {
    // The SASL listener answers nothing but the handshake: KafkaJS sees the connection closed.
    await expect(produce(undefined, CONTRACT_TOPIC, 'anonymous')).rejects.toMatchObject({
      name: 'KafkaJSConnectionClosedError',
    });
  });

  it('refuses a wrong password', async () => {
    await expect(
      produce(sasl('ingress', 'not-the-password'), CONTRACT_TOPIC, 'forged'),
    ).rejects.toMatchObject({
      name: 'KafkaJSSASLAuthenticationError',
      message: expect.stringContaining('invalid credentials') as unknown,
    });
  });

  // The second group is how each audit instance reads its checkpoints: a prefixed group ACL.
  it.each(['billwerk-audit', `billwerk-audit.checkpoint-reader.${randomBytes(4).toString('hex')}`])(
    'lets ingress write billwerk.contract.v1 and audit read it in group %s',
    async (groupId) => {
      const value = `hook-${randomBytes(4).toString('hex')}`;
      await produce(sasl('ingress'), CONTRACT_TOPIC, value);

      const consumer = client(sasl('audit')).consumer({ groupId });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: CONTRACT_TOPIC, fromBeginning: true });
        const read = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('audit read nothing in 30 s')), 30_000);
          void consumer.run({
            eachMessage: ({ message }) => {
              if (String(message.value) !== value) return Promise.resolve();
              clearTimeout(timer);
              resolve(String(message.value));
              return Promise.resolve();
            },
          });
        });
        expect(read).toBe(value);
      } finally {
        await consumer.disconnect();
      }
    },
  );

  it('refuses retention writing billwerk.contract.v1 but lets it write retention.actions.v1', async () => {
    await expect(produce(sasl('retention'), CONTRACT_TOPIC, 'forged')).rejects.toMatchObject({
      type: 'TOPIC_AUTHORIZATION_FAILED',
    });
    await expect(
      produce(sasl('retention'), RETENTION_ACTIONS_TOPIC, 'an action'),
    ).resolves.toBeUndefined();
  });

  it('refuses audit consuming in retention’s group', async () => {
    // KafkaJS reports FindCoordinator's GROUP_AUTHORIZATION_FAILED only in its debug log, then
    // crashes the consumer with a generic "Failed to find group coordinator".
    const refusals: unknown[] = [];
    const consumer = new Kafka({
      clientId: 'scram-spec',
      brokers: [kafka.brokers],
      sasl: sasl('audit'),
      retry: { retries: 1, initialRetryTime: 100 },
      logLevel: logLevel.DEBUG,
      logCreator:
        () =>
        ({ log }) => {
          if (log.message === 'Tried to find group coordinator') refusals.push(log.error);
        },
    }).consumer({ groupId: 'billwerk-retention' });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: CONTRACT_TOPIC, fromBeginning: true });
      const crashed = new Promise<unknown>((resolve) => {
        consumer.on(consumer.events.CRASH, (event) => resolve(event.payload.error));
      });
      void consumer.run({ eachMessage: () => Promise.resolve() });
      await expect(crashed).resolves.toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound' });
      expect(refusals).toContainEqual(
        expect.objectContaining({ type: 'GROUP_AUTHORIZATION_FAILED' }),
      );
    } finally {
      await consumer.disconnect();
    }
  });
});
