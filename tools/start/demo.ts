/**
 * `npm start -- --demo`: plays a simulator scenario through the running stack and shows every
 * hop: the hooks billwerk (the simulator) sent, the events on Kafka, the audit rows and the
 * retention case with its actions.
 */
import { loadKafkaClientSettings } from '@app/config';
import { BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC } from '@app/contracts';
import { kafkaSecurityConfig } from '@app/messaging';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';

export interface DemoTargets {
  brokers: string;
  simUrl: string;
  auditUrl: string;
  retentionUrl: string;
  apiToken: string;
  say: (line: string) => void;
}

const SCENARIO = 'cancel';
/** Every hop the scenario's contract can appear on; events of other contracts are filtered out. */
const TOPICS = [...BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC];

interface KafkaEvent {
  key: string;
  topic: string;
  partition: number;
  offset: string;
  type: string;
}

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

async function poll<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Collects the events that arrive on the demo's topics from now on (with the apps' credentials). */
async function watchKafka(brokers: string) {
  const settings = loadKafkaClientSettings({ ...process.env, KAFKA_BROKERS: brokers });
  const kafka = new Kafka({
    clientId: 'demo',
    brokers: settings.brokers,
    ...kafkaSecurityConfig(settings.security),
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `demo-${randomUUID()}` });
  const events: KafkaEvent[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: TOPICS, fromBeginning: false });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.run({
    eachMessage: ({ topic, partition, message }) => {
      const envelope = JSON.parse(message.value?.toString() ?? '{}') as { type?: string };
      const key = message.key?.toString() ?? '';
      events.push({ key, topic, partition, offset: message.offset, type: envelope.type ?? '?' });
      return Promise.resolve();
    },
  });
  await joined;
  return { events, stop: () => consumer.disconnect() };
}

export async function runDemo(t: DemoTargets): Promise<void> {
  const auth = { authorization: `Bearer ${t.apiToken}` };
  const kafka = await watchKafka(t.brokers);
  try {
    t.say(
      `demo: playing the simulator scenario "${SCENARIO}" (a customer cancels; the notice period runs)…`,
    );
    const play = await json<{
      contracts: Record<string, string>;
      deliveries: string[];
      outcome?: Record<string, number>;
    }>(`${t.simUrl}/sim/scenarios/${SCENARIO}/play?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const contractId = Object.values(play.contracts)[0];
    const ofContract = (): KafkaEvent[] => kafka.events.filter((e) => e.key === contractId);
    t.say(`  contract ${contractId}`);

    const deliveries = await json<Array<{ event: string; attempts: Array<{ status?: number }> }>>(
      `${t.simUrl}/sim/deliveries?id=${contractId}`,
    );
    t.say("1. billwerk → ingress (hooks sent by the simulator, with the ingress's answers):");
    for (const d of deliveries) {
      t.say(
        `     ${d.event.padEnd(22)} HTTP ${d.attempts.map((a) => a.status ?? 'error').join(', ')}`,
      );
    }

    const onKafka = await poll(
      'the events on Kafka',
      () => Promise.resolve(ofContract()),
      (e) => e.filter((x) => x.topic.startsWith('billwerk.')).length >= deliveries.length,
    );
    t.say('2. ingress → Kafka (CloudEvents keyed by the contract):');
    for (const e of onKafka.filter((x) => x.topic.startsWith('billwerk.'))) {
      t.say(`     ${e.type.padEnd(31)} ${e.topic}[${e.partition}]@${e.offset}`);
    }

    const audit = await poll(
      'the audit rows',
      () =>
        json<{ items: Array<{ type: string; topic: string; offset: string; hash: string }> }>(
          `${t.auditUrl}/audit/events?contractId=${contractId}`,
          { headers: auth },
        ),
      (page) => page.items.length >= deliveries.length,
    );
    t.say('3. Kafka → audit log (append-only rows, hash-chained):');
    for (const row of audit.items) {
      t.say(
        `     ${row.type.padEnd(31)} ${row.topic}@${row.offset}  hash ${row.hash.slice(0, 12)}…`,
      );
    }

    const cases = await poll(
      'the retention case',
      () =>
        json<Array<{ id: string; kind: string; status: string; outcome: string | null }>>(
          `${t.retentionUrl}/retention/cases?contractId=${contractId}`,
          { headers: auth },
        ),
      (list) => list.length > 0,
    );
    const actions = await poll(
      'the retention action on Kafka',
      () => Promise.resolve(ofContract()),
      (e) => e.some((x) => x.topic === RETENTION_ACTIONS_TOPIC),
    );
    t.say('4. Kafka → retention (decided from billwerk state fetched from the simulator):');
    for (const c of cases)
      t.say(`     case ${c.id} ${c.kind}: ${c.status}${c.outcome ? ` (${c.outcome})` : ''}`);
    for (const e of actions.filter((x) => x.topic === RETENTION_ACTIONS_TOPIC)) {
      t.say(`     action ${e.type} on ${RETENTION_ACTIONS_TOPIC}[${e.partition}]@${e.offset}`);
    }
    t.say('demo complete: every hop delivered.');
  } finally {
    await kafka.stop();
  }
}
