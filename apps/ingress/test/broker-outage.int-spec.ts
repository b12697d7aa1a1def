import { BILLWERK_TOPICS } from '@app/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { fullHook } from '../../../test/fixtures/billwerk-hooks';
import { endOffsets, readBetween } from '../../../test/support/topic-reader';
import { startLocalKafka, stopLocalKafka } from '../../../tools/kafka/local-kafka';
import { postHook, SANDBOX_TOKEN, startIngress, type RunningIngress } from './ingress-harness';

/** A broker of this test's own, so stopping it disturbs nobody else's. */
const PORT = 19092;
const BROKER = { port: PORT, controllerPort: PORT + 1, heapMb: 384, log: () => undefined };
const brokers = `127.0.0.1:${PORT}`;

let ingress: RunningIngress;

beforeAll(async () => {
  await startLocalKafka({
    ...BROKER,
    topics: BILLWERK_TOPICS.map((topic) => ({ topic, numPartitions: 1 })),
  });
  ingress = await startIngress({ KAFKA_BROKERS: brokers, INGRESS_READY_CHECK_INTERVAL_MS: '500' });
});

afterAll(async () => {
  await ingress?.close();
  await stopLocalKafka(BROKER);
});

/** Readiness is a background check's cached result: it may lag by one interval. */
async function readiness(expected: number): Promise<number> {
  const deadline = Date.now() + 3000;
  let status = (await fetch(`${ingress.url}/health/ready`)).status;
  while (status !== expected && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
    status = (await fetch(`${ingress.url}/health/ready`)).status;
  }
  return status;
}

const hookUrl = () => `${ingress.url}/billwerk-hook/${SANDBOX_TOKEN}`;
const send = () => postHook(hookUrl(), JSON.stringify(fullHook('ContractCancelled')));

it('answers 503 with Retry-After while the broker is down and recovers without a restart', async () => {
  expect((await send()).status).toBe(202);

  await stopLocalKafka(BROKER);
  const started = Date.now();
  const down = await send();
  expect(down.status).toBe(503);
  expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(down.body.detail).toMatch(/retry later/);
  // billwerk gives up after 10 s: the 503 must come before that.
  expect(Date.now() - started).toBeLessThan(9500);
  expect(await readiness(503)).toBe(503);
  expect((await fetch(`${ingress.url}/health/live`)).status).toBe(200);

  await startLocalKafka(BROKER);
  const kafka = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING });
  const before = await endOffsets(kafka, BILLWERK_TOPICS);
  let recovered = await send();
  const deadline = Date.now() + 60_000;
  while (recovered.status !== 202 && Date.now() < deadline) {
    expect(recovered.status).toBe(503);
    await new Promise((done) => setTimeout(done, 500));
    recovered = await send();
  }
  expect(recovered.status).toBe(202);
  const after = await endOffsets(kafka, BILLWERK_TOPICS);
  const messages = await readBetween(kafka, before, after);
  expect(messages.map((m) => m.headers.ce_id)).toContain(recovered.body.id);
  expect(await readiness(200)).toBe(200);
});
