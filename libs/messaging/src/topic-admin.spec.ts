import * as kafkajs from 'kafkajs';
import {
  KafkaJSAggregateError,
  KafkaJSProtocolError,
  type ITopicConfig,
  type Kafka,
} from 'kafkajs';
import {
  defaultReplicationFactor,
  ensureTopics,
  minInSyncReplicas,
  TopicCreationRefusedError,
} from './topic-admin';

// KafkaJS throws this per refused topic but leaves it out of its type declarations.
const { KafkaJSCreateTopicError } = kafkajs as unknown as {
  KafkaJSCreateTopicError: new (protocolError: object, topic: string) => Error;
};

const protocolError = (type: string, code: number) => ({
  type,
  code,
  retriable: false,
  message: `${type} (broker)`,
});
const TOPIC_AUTHORIZATION_FAILED = protocolError('TOPIC_AUTHORIZATION_FAILED', 29);
const CLUSTER_AUTHORIZATION_FAILED = protocolError('CLUSTER_AUTHORIZATION_FAILED', 31);

/** An admin client over a pretend cluster: its topics, its brokers, and what creating throws. */
class FakeAdmin {
  created: ITopicConfig[] = [];
  createFailure: Error | undefined;
  describedCluster = 0;
  connected = false;

  constructor(
    readonly topics: string[],
    readonly brokers: number,
  ) {}

  connect(): Promise<void> {
    this.connected = true;
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.connected = false;
    return Promise.resolve();
  }
  listTopics(): Promise<string[]> {
    return Promise.resolve(this.topics);
  }
  describeCluster(): Promise<{ brokers: Array<{ nodeId: number }> }> {
    this.describedCluster += 1;
    return Promise.resolve({
      brokers: Array.from({ length: this.brokers }, (_, nodeId) => ({ nodeId })),
    });
  }
  createTopics({ topics }: { topics: ITopicConfig[] }): Promise<boolean> {
    if (this.createFailure) return Promise.reject(this.createFailure);
    this.created.push(...topics);
    return Promise.resolve(true);
  }
  /** How many ListOffsets answers NOT_LEADER_OR_FOLLOWER before the leaders serve. */
  notYetServed = 0;
  offsetAsks = 0;
  fetchTopicOffsets(): Promise<Array<{ partition: number; high: string }>> {
    this.offsetAsks += 1;
    if (this.notYetServed > 0) {
      this.notYetServed -= 1;
      return Promise.reject(
        Object.assign(new Error('This server is not the leader for that topic-partition'), {
          type: 'NOT_LEADER_OR_FOLLOWER',
        }),
      );
    }
    return Promise.resolve([{ partition: 0, high: '0' }]);
  }
}

function kafkaWith(admin: FakeAdmin): Kafka {
  return { admin: () => admin } as unknown as Kafka;
}

const configs = (topic: ITopicConfig) =>
  Object.fromEntries((topic.configEntries ?? []).map(({ name, value }) => [name, value]));

describe('replication rules', () => {
  it('replicates to every broker up to 3, and asks 2 in sync from 3 replicas on', () => {
    expect([1, 2, 3, 5].map(defaultReplicationFactor)).toEqual([1, 2, 3, 3]);
    expect([1, 2, 3, 4].map(minInSyncReplicas)).toEqual([1, 1, 2, 2]);
  });
});

describe('ensureTopics', () => {
  it("returns only once the new topics' leaders answer ListOffsets", async () => {
    const admin = new FakeAdmin([], 1);
    admin.notYetServed = 3;
    await expect(
      ensureTopics(kafkaWith(admin), [{ topic: 'billwerk.contract.v1', numPartitions: 1 }]),
    ).resolves.toEqual(['billwerk.contract.v1']);
    expect(admin.offsetAsks).toBe(4);
  });

  it('creates only the missing topics, unclean election off, RF from the cluster when unset', async () => {
    const admin = new FakeAdmin(['a.v1'], 3);
    const created = await ensureTopics(kafkaWith(admin), [
      { topic: 'a.v1', numPartitions: 3 },
      { topic: 'b.v1', numPartitions: 3 },
      { topic: 'c.v1', numPartitions: 1, replicationFactor: 1 },
    ]);
    expect(created).toEqual(['b.v1', 'c.v1']);
    expect(admin.created.map(({ topic, replicationFactor }) => [topic, replicationFactor])).toEqual(
      [
        ['b.v1', 3],
        ['c.v1', 1],
      ],
    );
    expect(admin.created.map(configs)).toEqual([
      { 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' },
      { 'min.insync.replicas': '1', 'unclean.leader.election.enable': 'false' },
    ]);
    expect(admin.connected).toBe(false);
  });

  it('lets a topic add or override configs (a compacted topic)', async () => {
    const admin = new FakeAdmin([], 1);
    await ensureTopics(kafkaWith(admin), [
      { topic: 'c.v1', numPartitions: 1, configEntries: { 'cleanup.policy': 'compact' } },
    ]);
    expect(configs(admin.created[0])).toEqual({
      'min.insync.replicas': '1',
      'unclean.leader.election.enable': 'false',
      'cleanup.policy': 'compact',
    });
  });

  it('asks nothing of the cluster when every topic exists (a principal without CREATE)', async () => {
    const admin = new FakeAdmin(['a.v1'], 3);
    admin.createFailure = new Error('must not be called');
    expect(await ensureTopics(kafkaWith(admin), [{ topic: 'a.v1', numPartitions: 3 }])).toEqual([]);
    expect(admin.describedCluster).toBe(0);
  });

  it('names the refused topics and the principal when creating is not authorized', async () => {
    const admin = new FakeAdmin([], 1);
    admin.createFailure = new KafkaJSAggregateError('Topic creation errors', [
      new KafkaJSCreateTopicError(TOPIC_AUTHORIZATION_FAILED, 'b.v1'),
    ]);
    const refused = ensureTopics(
      kafkaWith(admin),
      [
        { topic: 'a.v1', numPartitions: 3 },
        { topic: 'b.v1', numPartitions: 3 },
      ],
      { principal: 'User:ingress' },
    );
    await expect(refused).rejects.toThrow(TopicCreationRefusedError);
    await expect(refused).rejects.toMatchObject({
      topics: ['b.v1'],
      principal: 'User:ingress',
      message:
        'Kafka refused to create the missing topic(s) b.v1 for User:ingress (TOPIC_AUTHORIZATION_FAILED): an admin must create them, or grant User:ingress CREATE on them',
    });
    expect(admin.connected).toBe(false);
  });

  it('names every missing topic on a cluster-wide refusal', async () => {
    const admin = new FakeAdmin([], 1);
    admin.createFailure = new KafkaJSProtocolError(
      CLUSTER_AUTHORIZATION_FAILED as unknown as Error,
    );
    await expect(
      ensureTopics(kafkaWith(admin), [
        { topic: 'a.v1', numPartitions: 3 },
        { topic: 'b.v1', numPartitions: 3 },
      ]),
    ).rejects.toMatchObject({
      topics: ['a.v1', 'b.v1'],
      principal: 'User:ANONYMOUS',
      reason: 'CLUSTER_AUTHORIZATION_FAILED',
    });
  });

  it('says which topic failed and why, where KafkaJS says only "Topic creation errors"', async () => {
    const admin = new FakeAdmin([], 1);
    const failure = new KafkaJSAggregateError('Topic creation errors', [
      new KafkaJSCreateTopicError(protocolError('INVALID_REPLICATION_FACTOR', 38), 'a.v1'),
    ]);
    admin.createFailure = failure;
    await expect(
      ensureTopics(kafkaWith(admin), [{ topic: 'a.v1', numPartitions: 3, replicationFactor: 3 }]),
    ).rejects.toMatchObject({
      message:
        'Kafka did not create a.v1: INVALID_REPLICATION_FACTOR (broker) (INVALID_REPLICATION_FACTOR) (the cluster has 1 broker(s))',
      cause: failure,
    });
  });

  it('passes a failure that names no topic through unchanged', async () => {
    const admin = new FakeAdmin([], 1);
    const failure = new Error('Connection timeout');
    admin.createFailure = failure;
    await expect(
      ensureTopics(kafkaWith(admin), [{ topic: 'a.v1', numPartitions: 3 }]),
    ).rejects.toBe(failure);
  });
});
