import { BILLWERK_TOPICS } from '@app/contracts';
import { fullHook } from '../../../test/fixtures/billwerk-hooks';
import { TcpProxy } from '../../../test/support/tcp-proxy';
import { startLocalKafka, stopLocalKafka } from '../../../tools/kafka/local-kafka';
import { postHook } from './ingress-harness';
import { startIngressProcess, type IngressProcess } from './ingress-process';

/**
 * A private broker this spec freezes and stops, reached through a proxy that counts connections,
 * in front of the real ingress process.
 */
const PORT = 19592;
const BROKER = { port: PORT, controllerPort: PORT + 1, heapMb: 384, log: () => undefined };
const TOKEN = 'broker-trouble-path-token-01';
const MAX_PENDING_BYTES = 1024 * 1024;

let proxy: TcpProxy;
let ingress: IngressProcess;
let brokerPid: number | undefined;

beforeAll(async () => {
  const kafka = await startLocalKafka({
    ...BROKER,
    topics: BILLWERK_TOPICS.map((topic) => ({ topic, numPartitions: 1 })),
  });
  brokerPid = kafka.pid;
  proxy = new TcpProxy('127.0.0.1', PORT);
  await proxy.start();
  ingress = await startIngressProcess({
    KAFKA_BROKERS: `127.0.0.1:${proxy.port}`,
    INGRESS_PATH_TOKENS: `sandbox:${TOKEN}`,
    INGRESS_MAX_PENDING_BYTES: String(MAX_PENDING_BYTES),
    INGRESS_READY_CHECK_INTERVAL_MS: '1000',
  });
});

afterAll(async () => {
  if (brokerPid !== undefined) process.kill(brokerPid, 'SIGCONT');
  await ingress?.stop();
  await proxy?.stop();
  await stopLocalKafka(BROKER);
});

const hookUrl = (): string => `${ingress.url}/billwerk-hook/${TOKEN}`;
const ready = (): Promise<Response> => fetch(`${ingress.url}/health/ready`);

async function eventually(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not true within ${ms} ms`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

it('answers readiness from cached state without opening a Kafka connection per probe', async () => {
  await eventually(async () => (await ready()).status === 200, 60_000);
  const before = proxy.accepted;
  const started = Date.now();
  for (let i = 0; i < 50; i += 1) {
    const probe = await ready();
    expect(probe.status).toBe(200);
    await probe.text();
  }
  const elapsed = Date.now() - started;
  expect(proxy.accepted - before).toBe(0);
  expect(elapsed).toBeLessThan(2_000);
});

it('bounds the pending queue in bytes: 503 with Retry-After at once while Kafka is frozen', async () => {
  expect((await postHook(hookUrl(), JSON.stringify(fullHook('ContractCancelled')))).status).toBe(
    202,
  );
  // Hooks of ~40 KiB: 1 MiB of pending messages holds about 25 of them.
  const big = (): string =>
    JSON.stringify({ ...fullHook('ContractCancelled'), Padding: 'p'.repeat(40 * 1024) });
  process.kill(brokerPid as number, 'SIGSTOP');
  try {
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const answer = await postHook(hookUrl(), big());
        return { answer, ms: Date.now() - started };
      }),
    );
    const refusedAtOnce = answers.filter(({ answer, ms }) => answer.status === 503 && ms < 2_000);
    expect(refusedAtOnce.length).toBeGreaterThanOrEqual(30);
    const refused = refusedAtOnce[0].answer;
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.detail).toMatch(/retry later: publish queue is full/);
  } finally {
    process.kill(brokerPid as number, 'SIGCONT');
  }
});

it('503 answers while Kafka is down name no internals, and the ingress recovers', async () => {
  await eventually(async () => (await ready()).status === 200, 30_000);
  await stopLocalKafka(BROKER);
  brokerPid = undefined;

  const down = await postHook(hookUrl(), JSON.stringify(fullHook('ContractCancelled')));
  expect(down.status).toBe(503);
  expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(down.body.detail).toBe('hook not stored, retry later: Kafka is unavailable');
  await eventually(async () => (await ready()).status === 503, 10_000);
  const probe = await (await ready()).text();
  expect(probe).toContain('Kafka is unavailable');
  for (const text of [JSON.stringify(down.body), probe]) {
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:\d{4,5}\b/);
  }

  brokerPid = (await startLocalKafka(BROKER)).pid;
  await eventually(async () => (await ready()).status === 200, 60_000);
  expect((await postHook(hookUrl(), JSON.stringify(fullHook('ContractCancelled')))).status).toBe(
    202,
  );
});
