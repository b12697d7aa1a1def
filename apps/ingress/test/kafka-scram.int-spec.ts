import { BILLWERK_TOPICS, KAFKA_PRINCIPALS } from '@app/contracts';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { runAppProcess, type AppExit } from '../../../test/support/app-process';
import { consumeAll } from '../../../test/support/kafka';
import { startFreshKafka } from '../../../test/support/private-kafka';
import { waitFor } from '../../../test/support/wait-for';
import { stopLocalKafka, type RunningKafka } from '../../../tools/kafka/local-kafka';
import { freePort } from './ingress-process';

jest.setTimeout(180_000);

/**
 * The real ingress process against the local launcher's SCRAM mode (StandardAuthorizer and the
 * ACLs of @app/contracts): the broker starts without the billwerk topics, so the ingress must
 * create them itself, which only its own principal may.
 */
const BROKER = { port: 22010, controllerPort: 22011, heapMb: 384, log: () => undefined };
const users = Object.fromEntries(
  KAFKA_PRINCIPALS.map((principal) => [principal, randomBytes(12).toString('base64url')]),
);
const CUSTOMER_ID = 'cccccccccccccccccccccccc';

let kafka: RunningKafka;

function credentials(principal: string, password = users[principal]): Record<string, string> {
  return {
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SASL_PASSWORD: password,
  };
}

/** Runs the ingress with `env` until `whileRunning` is done; resolves with its output. */
async function runIngress(
  env: Record<string, string>,
  whileRunning: (url: string) => Promise<void>,
): Promise<AppExit & { lines: Array<Record<string, unknown>> }> {
  const port = await freePort();
  const exit = await runAppProcess(
    'ingress',
    {
      INGRESS_PORT: String(port),
      INGRESS_HOST: '127.0.0.1',
      KAFKA_BROKERS: kafka.brokers,
      INGRESS_READY_CHECK_INTERVAL_MS: '500',
      ...env,
    },
    () => whileRunning(`http://127.0.0.1:${port}`),
  );
  const lines = exit.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { ...exit, lines };
}

function postHook(url: string): Promise<Response> {
  return fetch(`${url}/billwerk-hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Event: 'CustomerCreated', CustomerId: CUSTOMER_ID }),
  });
}

/** Long enough for a start-up attempt and KafkaJS's retries to give up; readiness stays 503. */
async function staysUnready(url: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 6000));
  expect((await fetch(`${url}/health/ready`)).status).toBe(503);
  expect((await postHook(url)).status).toBe(503);
}

const startupFailure = (lines: Array<Record<string, unknown>>) =>
  lines.find((l) => l.msg === 'Kafka not usable at start; hooks are answered 503 until it is');

beforeAll(async () => {
  kafka = await startFreshKafka({ ...BROKER, scram: { users } });
}, 180_000);

afterAll(async () => {
  await stopLocalKafka(BROKER);
});

describe('the ingress against Kafka with SCRAM and ACLs', () => {
  // First: the billwerk topics do not exist yet.
  it('names the missing topics and its principal when that principal may not create them', async () => {
    const { code, lines, stdout } = await runIngress(credentials('replay'), staysUnready);
    expect(code).toBe(0);
    expect(startupFailure(lines)).toMatchObject({
      level: 'error',
      err: `Kafka refused to create the missing topic(s) ${[...BILLWERK_TOPICS].sort().join(', ')} for User:replay (TOPIC_AUTHORIZATION_FAILED): an admin must create them, or grant User:replay CREATE on them`,
    });
    expect(stdout).not.toContain(users.replay);
  });

  it('as ingress, creates its topics and publishes a hook: 202 and the record on the topic', async () => {
    let accepted: { id: string } | undefined;
    const { code, stdout } = await runIngress(credentials('ingress'), async (url) => {
      await waitFor('the ingress to be ready', async () => {
        return (await fetch(`${url}/health/ready`)).status === 200;
      });
      const response = await postHook(url);
      expect(response.status).toBe(202);
      accepted = (await response.json()) as { id: string };
    });
    expect(code).toBe(0);
    expect(stdout).not.toContain(users.ingress);
    const admin = new Kafka({
      clientId: 'scram-ingress-spec',
      brokers: [kafka.brokers],
      sasl: { mechanism: 'scram-sha-512', username: 'admin', password: users.admin },
      logLevel: logLevel.NOTHING,
    });
    // The broker started without them and replay could not create them: the ingress did. (Its
    // "created Kafka topics" line is missing when a first attempt timed out after creating them.)
    const listing = admin.admin();
    await listing.connect();
    const topics = await listing.listTopics().finally(() => listing.disconnect());
    expect(topics).toEqual(expect.arrayContaining([...BILLWERK_TOPICS]));
    const [record] = await consumeAll(admin, 'billwerk.customer.v1', 1);
    expect(JSON.parse(record.value ?? '{}')).toMatchObject({
      id: accepted?.id,
      type: 'billwerk.CustomerCreated',
      data: { CustomerId: CUSTOMER_ID },
    });
  });

  it('without credentials, or with a wrong password, never becomes ready and says why', async () => {
    const anonymous = await runIngress({}, staysUnready);
    expect(startupFailure(anonymous.lines)).toMatchObject({
      level: 'error',
      err: 'Closed connection by the broker before it answered: it may require SASL (KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD) or TLS (KAFKA_SSL=true)',
    });
    const wrong = await runIngress(credentials('ingress', 'not-the-password'), staysUnready);
    expect(startupFailure(wrong.lines)).toMatchObject({
      level: 'error',
      err: expect.stringContaining('SASL SCRAM SHA512 authentication failed') as unknown,
    });
    expect(wrong.stdout + wrong.stderr).not.toContain('not-the-password');
  });
});
