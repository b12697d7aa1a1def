import type { Kafka, KafkaMessage } from 'kafkajs';

/** The range could not be read in time (broker unreachable, partition without a leader). */
export class TopicRangeReadError extends Error {
  readonly code = 'TOPIC_RANGE_UNREADABLE';
}

export interface TopicRange {
  topic: string;
  /** First offset to read, per partition (inclusive). */
  from: ReadonlyMap<number, string>;
  /** Offset to stop at, per partition (exclusive); usually the high watermark when asked. */
  to: ReadonlyMap<number, string>;
}

/**
 * The offsets of `topic` that hold records written at or after `since` (by record timestamp) and
 * its current end: the range a reader must look through for anything written since then.
 */
export async function rangeSince(kafka: Kafka, topic: string, since: Date): Promise<TopicRange> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const from = await admin.fetchTopicOffsetsByTimestamp(topic, since.getTime());
    const to = await admin.fetchTopicOffsets(topic);
    return {
      topic,
      from: new Map(from.map(({ partition, offset }) => [partition, offset])),
      to: new Map(to.map(({ partition, high }) => [partition, high])),
    };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Hands every record of `range` to `visit`, each once, in partition order, then returns. It reads
 * in a consumer group of its own (`groupId`, which it never commits to), so it works for any
 * principal allowed to read the topic in that group.
 */
export async function readTopicRange(
  kafka: Kafka,
  range: TopicRange,
  visit: (partition: number, message: KafkaMessage) => void,
  options: { groupId: string; timeoutMs: number },
): Promise<void> {
  const remaining = new Map<number, { next: bigint; end: bigint }>();
  for (const [partition, to] of range.to) {
    const from = BigInt(range.from.get(partition) ?? '0');
    if (from < BigInt(to)) remaining.set(partition, { next: from, end: BigInt(to) });
  }
  if (remaining.size === 0) return;
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [range.topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        const left = [...remaining].map(([p, { next, end }]) => `${p}: ${next}..${end}`);
        reject(
          new TopicRangeReadError(
            `${range.topic}: not read to its end within ${options.timeoutMs} ms (left ${left.join(', ')})`,
          ),
        );
      }, options.timeoutMs);
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const [partition, { next }] of remaining) {
          consumer.seek({ topic: range.topic, partition, offset: next.toString() });
        }
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const position = remaining.get(batch.partition);
            if (position === undefined) return;
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              // A fetch begun before the seek can hand over records outside the range.
              if (offset < position.next || offset >= position.end) continue;
              visit(batch.partition, message);
              position.next = offset + 1n;
            }
            // Compacted-away offsets and transaction markers: the batch's end says how far it read.
            const last = BigInt(batch.lastOffset());
            if (last + 1n > position.next) {
              position.next = last + 1n < position.end ? last + 1n : position.end;
            }
            if (position.next >= position.end) remaining.delete(batch.partition);
            if (remaining.size === 0) resolve();
            await Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
