import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { randomUUID } from 'node:crypto';

export interface ReadMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export type Offsets = Map<string, Map<number, string>>;

export function testKafka(): Kafka {
  return new Kafka({
    clientId: `test-${randomUUID()}`,
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
}

/** The next offset to be written, per partition, of each topic. */
export async function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<Offsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const result: Offsets = new Map();
    for (const topic of topics) {
      const partitions = await admin.fetchTopicOffsets(topic);
      result.set(topic, new Map(partitions.map((p) => [p.partition, p.high])));
    }
    return result;
  } finally {
    await admin.disconnect();
  }
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) result[name] = value.toString();
  }
  return result;
}

/**
 * Reads every message written to `topics` between two offset snapshots: what the code under
 * test published, and nothing else, however the broker was used before.
 */
export async function readBetween(
  kafka: Kafka,
  from: Offsets,
  to: Offsets,
): Promise<ReadMessage[]> {
  const wanted = new Map<string, number>();
  for (const [topic, partitions] of to) {
    for (const [partition, high] of partitions) {
      const low = from.get(topic)?.get(partition) ?? '0';
      const count = Number(high) - Number(low);
      if (count > 0) wanted.set(`${topic}/${partition}`, count);
    }
  }
  const total = [...wanted.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return [];

  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
  const messages: ReadMessage[] = [];
  const seen = new Set<string>();
  await consumer.connect();
  try {
    const topics = [...wanted.keys()].map((key) => key.slice(0, key.lastIndexOf('/')));
    await consumer.subscribe({ topics: [...new Set(topics)], fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${messages.length} of ${total} messages within 60 s`)),
        60_000,
      );
      void consumer
        .run({
          autoCommit: false,
          eachMessage: ({ topic, partition, message }) => {
            const high = to.get(topic)?.get(partition);
            const low = from.get(topic)?.get(partition) ?? '0';
            if (high === undefined) return Promise.resolve();
            const offset = BigInt(message.offset);
            if (offset < BigInt(low) || offset >= BigInt(high)) return Promise.resolve();
            // A seek after the group join can replay what was already fetched.
            const id = `${topic}/${partition}/${message.offset}`;
            if (seen.has(id)) return Promise.resolve();
            seen.add(id);
            messages.push({
              topic,
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? '',
              headers: headersOf(message.headers),
            });
            if (messages.length === total) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const [topic, partitions] of from) {
        for (const [partition, offset] of partitions) {
          if (to.get(topic)?.has(partition)) consumer.seek({ topic, partition, offset });
        }
      }
    });
    await done;
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
