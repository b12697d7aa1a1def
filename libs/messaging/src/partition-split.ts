import type { Admin, Kafka, Message, PartitionMetadata } from 'kafkajs';
import type { TopicBatch } from './batching-publisher';
import { StablePartitioner } from './stable-partitioner';

/** How many partitions a topic has. */
export interface PartitionCounts {
  of(topic: string): Promise<number>;
  close(): Promise<void>;
}

/** Messages of one topic-partition, each with its partition set. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: Array<Message & { partition: number }>;
}

/**
 * Splits batches into one batch per topic-partition, placed by the StablePartitioner (Java's
 * murmur2 of the key, or of the value for a keyless message), so a send can carry a single
 * partition.
 */
export async function splitByPartition(
  batches: readonly TopicBatch[],
  counts: PartitionCounts,
): Promise<PartitionBatch[]> {
  const place = StablePartitioner();
  const byPartition = new Map<string, PartitionBatch>();
  for (const { topic, messages } of batches) {
    const count = await counts.of(topic);
    const partitionMetadata: PartitionMetadata[] = Array.from({ length: count }, (_, id) => ({
      partitionErrorCode: 0,
      partitionId: id,
      leader: 0,
      replicas: [],
      isr: [],
    }));
    for (const message of messages) {
      const partition = place({ topic, partitionMetadata, message });
      const key = `${topic}\n${partition}`;
      const batch = byPartition.get(key) ?? { topic, partition, messages: [] };
      batch.messages.push({ ...message, partition });
      byPartition.set(key, batch);
    }
  }
  return [...byPartition.values()];
}

/**
 * Partition counts asked of the cluster once per topic, then again (in the background, the known
 * count serving meanwhile) once they are older than `maxAgeMs`: partitions added to a topic are
 * used within about that long.
 */
export class ClusterPartitionCounts implements PartitionCounts {
  private admin: Promise<Admin> | undefined;
  private readonly known = new Map<string, { count: number; at: number }>();

  constructor(
    private readonly kafka: Kafka,
    private readonly maxAgeMs = 60_000,
  ) {}

  async of(topic: string): Promise<number> {
    const known = this.known.get(topic);
    if (known === undefined) return this.fetch(topic);
    if (Date.now() - known.at > this.maxAgeMs) {
      known.at = Date.now();
      // A failed refresh keeps the known count; the next one asks again.
      this.fetch(topic).catch(() => undefined);
    }
    return known.count;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect()).catch(() => undefined);
  }

  private async fetch(topic: string): Promise<number> {
    try {
      const admin = await this.connected();
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = topics[0]?.partitions.length ?? 0;
      if (count === 0) throw new Error(`topic ${topic} has no partitions`);
      this.known.set(topic, { count, at: Date.now() });
      return count;
    } catch (error) {
      // A broken connection is not reused: the next question connects afresh.
      await this.close();
      throw error;
    }
  }

  private connected(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    return this.admin;
  }
}
