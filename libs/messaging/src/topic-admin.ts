import type { Admin, Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Unset: min(3, brokers in the cluster). */
  replicationFactor?: number;
  /** Topic configs beside (or overriding) the durability ones `ensureTopics` sets. */
  configEntries?: Record<string, string>;
}

export interface EnsureTopicsOptions {
  /** Who asks (`User:<name>`), for the error when the cluster refuses to create a topic. */
  principal?: string;
}

/** As many replicas as there are brokers, up to 3: one broker may fail without losing an ack. */
export function defaultReplicationFactor(brokers: number): number {
  return Math.min(3, brokers);
}

/**
 * 2 at 3 replicas and more: every acknowledged record is on two brokers, and writes go on while
 * one is down. At 2 replicas a min ISR of 2 would stop writes whenever either broker is, so 1.
 */
export function minInSyncReplicas(replicationFactor: number): number {
  return replicationFactor >= 3 ? 2 : 1;
}

/** The cluster refused to create topics the app needs (a secured cluster where an admin does). */
export class TopicCreationRefusedError extends Error {
  readonly code = 'KAFKA_TOPIC_CREATION_REFUSED';
  constructor(
    readonly topics: string[],
    readonly principal: string,
    readonly reason: string,
  ) {
    super(
      `Kafka refused to create the missing topic(s) ${topics.join(', ')} for ${principal} ` +
        `(${reason}): an admin must create them, or grant ${principal} CREATE on them`,
    );
  }
}

/** Kafka refused one or more topics for another reason (a replication factor above the brokers). */
export class TopicCreationFailedError extends Error {
  readonly code = 'KAFKA_TOPIC_CREATION_FAILED';
  constructor(
    readonly problems: string[],
    brokers: number,
    options: { cause: unknown },
  ) {
    super(
      `Kafka did not create ${problems.join('; ')} (the cluster has ${brokers} broker(s))`,
      options,
    );
  }
}

const REFUSALS = new Set(['TOPIC_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED']);

interface KafkaJsErrorShape {
  type?: string;
  topic?: string;
  message?: string;
  errors?: KafkaJsErrorShape[];
}

/** The topics an authorization error names (all requested ones for a cluster-wide refusal). */
function refusal(error: unknown, requested: string[]): { topics: string[]; reason: string } | null {
  const e = error as KafkaJsErrorShape;
  if (e.type !== undefined && REFUSALS.has(e.type)) return { topics: requested, reason: e.type };
  const refused = (e.errors ?? []).filter((item) => item.type && REFUSALS.has(item.type));
  if (refused.length === 0) return null;
  return {
    topics: refused.map((item) => item.topic ?? '?'),
    reason: [...new Set(refused.map((item) => item.type))].join(', '),
  };
}

/** One `topic: reason` per topic of a per-topic creation error (KafkaJS says only "Topic creation errors"). */
function perTopicProblems(error: unknown): string[] {
  return ((error as KafkaJsErrorShape).errors ?? []).map(
    (item) => `${item.topic ?? '?'}: ${item.message ?? 'unknown error'} (${item.type ?? '?'})`,
  );
}

async function brokerCount(admin: Admin): Promise<number> {
  return (await admin.describeCluster()).brokers.length;
}

/**
 * Creates the topics that are missing, with min ISR and unclean election set for durability;
 * existing topics are left exactly as they are. Only what is missing is created, so an app whose
 * principal may not create topics starts fine once an admin provisioned them.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: TopicSpec[],
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((spec) => !existing.has(spec.topic));
    if (missing.length === 0) return [];
    const brokers = await brokerCount(admin);
    const clusterDefault = defaultReplicationFactor(brokers);
    const names = missing.map((spec) => spec.topic);
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => {
          const replicationFactor = spec.replicationFactor ?? clusterDefault;
          const configs = {
            'min.insync.replicas': String(minInSyncReplicas(replicationFactor)),
            'unclean.leader.election.enable': 'false',
            ...spec.configEntries,
          };
          return {
            topic: spec.topic,
            numPartitions: spec.numPartitions,
            replicationFactor,
            configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
          };
        }),
      });
    } catch (error) {
      const refused = refusal(error, names);
      if (refused) {
        throw new TopicCreationRefusedError(
          refused.topics,
          options.principal ?? 'User:ANONYMOUS',
          refused.reason,
        );
      }
      const problems = perTopicProblems(error);
      if (problems.length > 0)
        throw new TopicCreationFailedError(problems, brokers, { cause: error });
      throw error;
    }
    await untilLeadersAnswer(admin, names);
    return names;
  } finally {
    await admin.disconnect();
  }
}

/** How long to wait for a new topic's leaders to serve what metadata already names them for. */
const LEADERS_ANSWER_MS = 15_000;

/**
 * Metadata names a new partition's leader before that broker has opened its log, so the first
 * ListOffsets right after `createTopics` can meet NOT_LEADER_OR_FOLLOWER: wait (at most
 * LEADERS_ANSWER_MS) until the leaders answer, so whoever created the topics can use them at once.
 * The topics exist either way, so running out of time is no failure of the creation: producers and
 * consumers retry a leader that is not ready on their own.
 */
async function untilLeadersAnswer(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADERS_ANSWER_MS;
  const waiting = new Set(topics);
  while (waiting.size > 0 && Date.now() < deadline) {
    for (const topic of [...waiting]) {
      const served = await admin.fetchTopicOffsets(topic).then(
        () => true,
        () => false,
      );
      if (served) waiting.delete(topic);
    }
    if (waiting.size > 0) await new Promise((resolve) => setTimeout(resolve, 100));
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
