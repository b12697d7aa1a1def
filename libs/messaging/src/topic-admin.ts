import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  /** Topic settings, e.g. `cleanup.policy=compact`; applied only when the topic is created. */
  configEntries?: ReadonlyArray<{ name: string; value: string }>;
}

/** Creates the topics that are missing; existing topics are left exactly as they are. */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((spec) => ({ ...spec, configEntries: spec.configEntries?.slice() })),
        waitForLeaders: true,
      });
    }
    return missing.map((spec) => spec.topic);
  } finally {
    await admin.disconnect();
  }
}

/** Whether the cluster answers a metadata request right now. */
export async function brokerReachable(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
