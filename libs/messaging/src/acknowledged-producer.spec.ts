import {
  Partitioners,
  type Kafka,
  type PartitionerArgs,
  type ProducerConfig,
  type TopicMessages,
} from 'kafkajs';
import pino from 'pino';
import { AcknowledgedProducer } from './acknowledged-producer';
import type { TopicBatch } from './batching-publisher';
import { PublisherClosedError } from './publish-errors';
import { StablePartitioner } from './stable-partitioner';

interface PendingSend {
  acks: number | undefined;
  topicMessages: TopicMessages[];
  ack: () => void;
  fail: (error: Error) => void;
}

/** A KafkaJS producer whose sends the test acknowledges or fails by hand. */
class FakeProducer {
  readonly sends: PendingSend[] = [];
  inFlight = 0;
  maxInFlight = 0;
  disconnected = false;
  failConnect: Error | undefined;

  constructor(
    readonly id: number,
    readonly config: ProducerConfig,
  ) {}

  connect(): Promise<void> {
    return this.failConnect ? Promise.reject(this.failConnect) : Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.disconnected = true;
    return Promise.resolve();
  }

  sendBatch({ acks, topicMessages }: { acks?: number; topicMessages: TopicMessages[] }) {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<void>((ack, fail) =>
      this.sends.push({ acks, topicMessages, ack, fail }),
    ).finally(() => {
      this.inFlight -= 1;
    });
  }
}

class FakeKafka {
  readonly producers: FakeProducer[] = [];
  nextConnectFailure: Error | undefined;

  producer(config: ProducerConfig): FakeProducer {
    const producer = new FakeProducer(this.producers.length, config);
    producer.failConnect = this.nextConnectFailure;
    this.nextConnectFailure = undefined;
    this.producers.push(producer);
    return producer;
  }

  /** The sends not yet settled, across every producer. */
  open(): Array<{ producer: FakeProducer } & PendingSend> {
    return this.producers.flatMap((producer) =>
      producer.sends.map((send) => ({ producer, ...send })),
    );
  }
}

const BATCH: TopicBatch[] = [{ topic: 't', messages: [{ key: 'k', value: 'v', headers: {} }] }];
const tick = () => new Promise((done) => setImmediate(done));

/** Topic `t` has one partition, `wide` three. */
const PARTITIONS = {
  of: (topic: string) => Promise.resolve(topic === 'wide' ? 3 : 1),
  close: () => Promise.resolve(),
};

function setup(lanes?: number) {
  const kafka = new FakeKafka();
  const producer = new AcknowledgedProducer(kafka as unknown as Kafka, pino({ level: 'silent' }), {
    partitions: PARTITIONS,
    ...(lanes === undefined ? {} : { lanes }),
  });
  return { kafka, producer };
}

/** Settles the oldest open send of `producer`, removing it from its list. */
function settle(producer: FakeProducer, error?: Error): void {
  const send = producer.sends.shift();
  if (!send) throw new Error(`producer ${producer.id} has no open send`);
  if (error) send.fail(error);
  else send.ack();
}

describe('AcknowledgedProducer', () => {
  it('gives every lane its own idempotent producer with one request in flight', async () => {
    const { kafka, producer } = setup(3);
    await producer.connect();
    expect(kafka.producers).toHaveLength(3);
    for (const { config } of kafka.producers) {
      expect(config).toMatchObject({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: StablePartitioner,
      });
    }
    expect(producer.isHealthy).toBe(true);
  });

  it('resolves a send only on the acks=all acknowledgement', async () => {
    const { kafka, producer } = setup();
    let done = false;
    const sent = producer.send(BATCH).then(() => (done = true));
    await tick();
    const [open] = kafka.open();
    expect(open.acks).toBe(-1);
    expect(done).toBe(false);
    settle(open.producer);
    await sent;
    expect(done).toBe(true);
  });

  it('never runs two sends at once on a lane: a third send waits for a free lane', async () => {
    const { kafka, producer } = setup(2);
    const sends = [producer.send(BATCH), producer.send(BATCH), producer.send(BATCH)];
    await tick();
    expect(kafka.open()).toHaveLength(2);
    expect(new Set(kafka.open().map((s) => s.producer.id))).toEqual(new Set([0, 1]));

    settle(kafka.producers[1]);
    await tick();
    expect(kafka.open()).toHaveLength(2);
    settle(kafka.producers[0]);
    settle(kafka.producers[1]);
    await Promise.all(sends);
    expect(kafka.producers).toHaveLength(2);
    expect(kafka.producers.map((p) => p.maxInFlight)).toEqual([1, 1]);
  });

  it('retires a lane after a failed send: its next send goes out on a fresh producer', async () => {
    const { kafka, producer } = setup(2);
    const first = producer.send(BATCH);
    const second = producer.send(BATCH);
    await tick();
    const timeout = new Error('Request Produce(key: 0, version: 7) timed out');
    settle(kafka.producers[0], timeout);
    await expect(first).rejects.toBe(timeout);
    expect(kafka.producers[0].disconnected).toBe(true);
    expect(producer.isHealthy).toBe(false);

    // The lane is free again, and only a new producer (a new producer id) may use it.
    const third = producer.send(BATCH);
    await tick();
    expect(kafka.producers).toHaveLength(3);
    expect(kafka.producers[2].sends).toHaveLength(1);
    expect(kafka.producers[0].sends).toHaveLength(0);
    settle(kafka.producers[2]);
    settle(kafka.producers[1]);
    await Promise.all([second, third]);
    expect(kafka.producers[1].disconnected).toBe(false);
    expect(producer.isHealthy).toBe(true);
  });

  it('serialises concurrent senders on a single lane, in the order they asked', async () => {
    const { kafka, producer } = setup();
    const order: number[] = [];
    const sends = [1, 2, 3].map((n) => producer.send(BATCH).then(() => order.push(n)));
    await tick();
    for (let n = 0; n < 3; n += 1) {
      expect(kafka.open()).toHaveLength(1);
      settle(kafka.producers[0]);
      await tick();
    }
    await Promise.all(sends);
    expect(order).toEqual([1, 2, 3]);
    expect(kafka.producers).toHaveLength(1);
    expect(kafka.producers[0].maxInFlight).toBe(1);
  });

  it('reports a producer that cannot connect and tries a new one on the next send', async () => {
    const { kafka, producer } = setup();
    kafka.nextConnectFailure = new Error('Connection error: ECONNREFUSED');
    await expect(producer.send(BATCH)).rejects.toThrow('ECONNREFUSED');
    expect(producer.isHealthy).toBe(false);
    expect(kafka.producers[0].disconnected).toBe(true);

    const sent = producer.send(BATCH);
    await tick();
    settle(kafka.producers[1]);
    await sent;
    expect(producer.isHealthy).toBe(true);
  });

  it('refuses waiting and later sends once disconnected, and disconnects every lane', async () => {
    const { kafka, producer } = setup();
    const first = producer.send(BATCH);
    const waiting = producer.send(BATCH);
    await tick();
    await producer.disconnect();
    await expect(waiting).rejects.toBeInstanceOf(PublisherClosedError);
    await expect(producer.send(BATCH)).rejects.toBeInstanceOf(PublisherClosedError);
    await expect(producer.connect()).rejects.toBeInstanceOf(PublisherClosedError);
    expect(kafka.producers[0].disconnected).toBe(true);
    settle(kafka.producers[0]);
    await first;
  });

  it('sends each topic-partition of a batch on its own, placed as the StablePartitioner places it', async () => {
    const { kafka, producer } = setup();
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const sent = producer.send([
      { topic: 'wide', messages: keys.map((key) => ({ key, value: key, headers: {} })) },
      ...BATCH,
    ]);
    await tick();
    const open = kafka.open();
    for (const send of open) expect(send.topicMessages).toHaveLength(1);
    const place = StablePartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [],
      isr: [],
      partitionErrorCode: 0,
    }));
    const expected = new Set(
      keys.map(
        (key) =>
          `wide/${place({ topic: 'wide', partitionMetadata, message: { key, value: key } })}`,
      ),
    );
    const seen = open.map(({ topicMessages: [{ topic, messages }] }) => {
      const partitions = new Set(messages.map((m) => m.partition));
      expect(partitions.size).toBe(1);
      return `${topic}/${[...partitions][0]}`;
    });
    expect(new Set(seen)).toEqual(new Set([...expected, 't/0']));
    expect(seen).toHaveLength(expected.size + 1);
    for (const send of open) settle(send.producer);
    await sent;
  });

  it('fails the whole send when one partition fails, and retires the lane only once every part settled', async () => {
    const { kafka, producer } = setup();
    const messages = ['a', 'b', 'c', 'd', 'e', 'f'].map((key) => ({
      key,
      value: key,
      headers: {},
    }));
    let settled = false;
    const sent = producer.send([{ topic: 'wide', messages }]).finally(() => (settled = true));
    await tick();
    const [lane] = kafka.producers;
    expect(lane.sends.length).toBeGreaterThan(1);
    const notLeader = new Error('This server is not the leader for that topic-partition');
    settle(lane, notLeader);
    await tick();
    expect(settled).toBe(false);
    expect(lane.disconnected).toBe(false);
    while (lane.sends.length > 0) settle(lane);
    await expect(sent).rejects.toBe(notLeader);
    expect(lane.disconnected).toBe(true);
  });

  it('refuses a lane count that is not a positive integer', () => {
    expect(() => setup(0)).toThrow(RangeError);
  });
});

describe('StablePartitioner', () => {
  const partitionMetadata = [0, 1, 2, 3, 4, 5, 6, 7].map((partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    partitionErrorCode: 0,
  }));
  const args = (key: string | null, value: string): PartitionerArgs => ({
    topic: 't',
    partitionMetadata,
    message: { key, value },
  });

  it('places a key as Java (murmur2) does', () => {
    const java = Partitioners.DefaultPartitioner();
    for (const key of ['a', 'contract-1', '5e1f1c2a9b8d7e6f5a4b3c2d']) {
      expect(StablePartitioner()(args(key, 'x'))).toBe(java(args(key, 'x')));
    }
  });

  it('places a keyless message by its value, the same for every producer', () => {
    const values = Array.from({ length: 40 }, (_, n) => `dead letter ${n}`);
    const first = values.map((value) => StablePartitioner()(args(null, value)));
    const again = StablePartitioner();
    expect(values.map((value) => again(args(null, value)))).toEqual(first);
    // Still spread over the partitions, not all on one.
    expect(new Set(first).size).toBeGreaterThan(3);
  });
});
