import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { KAFKA_PRINCIPALS } from '@app/contracts';
import { startFreshKafka } from '../../../test/support/private-kafka';
import { stopLocalKafka, type RunningKafka } from '../local-kafka';

/** This spec's own broker, formatted afresh each run. */
const BROKER = { port: 21392, controllerPort: 21393, heapMb: 384, log: () => undefined };
const TOPIC = 'billwerk.contract.v1';
const users = Object.fromEntries(
  KAFKA_PRINCIPALS.map((principal) => [principal, randomBytes(12).toString('base64url')]),
);
const ingress = {
  mechanism: 'scram-sha-512' as const,
  username: 'ingress',
  password: users.ingress,
};

let kafka: RunningKafka;

async function produce(config: Partial<KafkaConfig>): Promise<void> {
  const producer = new Kafka({
    clientId: 'tls-spec',
    brokers: [kafka.brokers],
    connectionTimeout: 3000,
    retry: { retries: 1, initialRetryTime: 100 },
    logLevel: logLevel.NOTHING,
    ...config,
  }).producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await producer.connect();
    await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: 'over TLS' }] });
  } finally {
    await producer.disconnect();
  }
}

beforeAll(async () => {
  kafka = await startFreshKafka({
    ...BROKER,
    topics: [{ topic: TOPIC, numPartitions: 1 }],
    scram: { users },
    tls: true,
  });
}, 180_000);

afterAll(async () => {
  await stopLocalKafka(BROKER);
});

describe('the local launcher with TLS (SASL_SSL)', () => {
  it('accepts a client that trusts the exported PEM certificate', async () => {
    expect(kafka.caFile).toBeDefined();
    const ca = readFileSync(kafka.caFile as string, 'utf8');
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    await expect(produce({ ssl: { ca: [ca] }, sasl: ingress })).resolves.toBeUndefined();
  });

  it('refuses a TLS client that does not trust the certificate', async () => {
    await expect(produce({ ssl: true, sasl: ingress })).rejects.toMatchObject({
      message: expect.stringMatching(/self[- ]signed certificate/) as unknown,
    });
  });

  it('refuses a client without TLS: the TLS listener closes the connection', async () => {
    const refused = await produce({ sasl: ingress }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({ name: 'KafkaJSNumberOfRetriesExceeded' });
    expect((refused as { cause?: unknown }).cause).toMatchObject({
      name: 'KafkaJSConnectionClosedError',
    });
  });
});
