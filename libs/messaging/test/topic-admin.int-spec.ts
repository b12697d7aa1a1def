import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { createTopics, testKafka, uniqueName } from '../../../test/support/kafka';
import { ensureTopics } from '../src/topic-admin';

jest.setTimeout(60_000);

const DURABILITY = ['min.insync.replicas', 'unclean.leader.election.enable', 'cleanup.policy'];

describe('ensureTopics against the real single-node broker', () => {
  const kafka = testKafka();
  let admin: Admin;
  const made: string[] = [];

  const name = (prefix: string): string => {
    const topic = uniqueName(prefix);
    made.push(topic);
    return topic;
  };

  /** The durability configs and replication the broker actually holds for `topic`. */
  async function described(topic: string) {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: DURABILITY }],
    });
    const configs = Object.fromEntries(
      resources[0].configEntries.map((entry) => [entry.configName, entry.configValue]),
    );
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = metadata.topics[0].partitions;
    return { configs, partitions: partitions.length, replicas: partitions[0].replicas.length };
  }

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: made }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates a missing topic with as many replicas as brokers, min ISR 1 and unclean election off', async () => {
    const topic = name('ensure-default');
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 2 }])).toEqual([topic]);
    expect(await described(topic)).toEqual({
      configs: {
        'min.insync.replicas': '1',
        'unclean.leader.election.enable': 'false',
        'cleanup.policy': 'delete',
      },
      partitions: 2,
      replicas: 1,
    });
  });

  it('sets what a topic asks for beside the durability configs', async () => {
    const topic = name('ensure-compacted');
    await ensureTopics(kafka, [
      { topic, numPartitions: 1, configEntries: { 'cleanup.policy': 'compact' } },
    ]);
    expect((await described(topic)).configs).toEqual({
      'min.insync.replicas': '1',
      'unclean.leader.election.enable': 'false',
      'cleanup.policy': 'compact',
    });
  });

  it('leaves an existing topic exactly as it is', async () => {
    const topic = name('ensure-existing');
    await createTopics(kafka, [topic], 1);
    const before = await described(topic);
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 5 }])).toEqual([]);
    expect(await described(topic)).toEqual(before);
  });

  it('says which topic the broker refused and why when asked for more replicas than brokers', async () => {
    const topic = name('ensure-rf3');
    await expect(
      ensureTopics(kafka, [{ topic, numPartitions: 1, replicationFactor: 3 }]),
    ).rejects.toThrow(
      `Kafka did not create ${topic}: Replication-factor is invalid (INVALID_REPLICATION_FACTOR) (the cluster has 1 broker(s))`,
    );
  });
});
