import { Kafka, logLevel, type IHeaders, type Message } from 'kafkajs';
import { randomBytes } from 'node:crypto';

export function testBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

export function testKafka(brokers = testBrokers()): Kafka {
  return new Kafka({ clientId: 'test', brokers, logLevel: logLevel.NOTHING });
}

/** A topic name no other test or engineer uses: `<prefix>.<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${randomBytes(5).toString('hex')}`;
}

export async function createTopics(
  kafka: Kafka,
  topics: string[],
  numPartitions = 3,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

export async function produce(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  // Idempotent: a send retried under load must not leave duplicates that a spec would count.
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (let start = 0; start < messages.length; start += 500) {
      await producer.send({ topic, acks: -1, messages: messages.slice(start, start + 500) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The offsets `groupId` has committed on `topic`, summed over its partitions (none counts 0). */
export async function committedTotal(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

export interface ConsumedMessage {
  partition: number;
  offset: string;
  value: string | null;
  headers: Record<string, string>;
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
}

/** Reads a topic from the beginning until `count` messages arrived. */
export async function consumeAll(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<ConsumedMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader') });
  const received: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${received.length} of ${count} messages on ${topic}`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push({
            partition,
            offset: message.offset,
            value: message.value?.toString() ?? null,
            headers: textHeaders(message.headers),
          });
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
    return received;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Records of `topics` that `groupId` has not committed yet, summed over the partitions (a
 * partition the group never committed counts from 0).
 */
export async function groupLag(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const { topic, partitions } of committed) {
      const ends = new Map(
        (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
      );
      for (const { partition, offset } of partitions) {
        lag += Math.max(0, (ends.get(partition) ?? 0) - Math.max(0, Number(offset)));
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Commits the current end of every partition of `topics` for `groupId`: it reads only what comes next. */
export async function commitGroupAtEnd(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const partitions = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: partitions.map((p) => ({ partition: p.partition, offset: p.high })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
