import { KAFKA_ACLS, KAFKA_SUPER_USER, type KafkaAclOperation } from './kafka-acls';
import { BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC, RETENTION_DLQ_TOPIC } from './topics';

function who(operation: KafkaAclOperation, resource: 'topic' | 'group', name: string): string[] {
  return KAFKA_ACLS.filter(
    (grant) =>
      grant.resource === resource && grant.name === name && grant.operations.includes(operation),
  )
    .map((grant) => grant.principal)
    .sort();
}

describe('Kafka ACLs', () => {
  it('lets only ingress and replay write the billwerk event topics', () => {
    for (const topic of BILLWERK_TOPICS) {
      expect({ topic, writers: who('WRITE', 'topic', topic) }).toEqual({
        topic,
        writers: ['ingress', 'replay'],
      });
      expect(who('READ', 'topic', topic)).toEqual(['audit', 'retention']);
    }
  });

  it('gives each consumer its own group and its own output topics', () => {
    expect(who('READ', 'group', 'billwerk-audit')).toEqual(['audit']);
    expect(who('READ', 'group', 'billwerk-retention')).toEqual(['retention']);
    expect(who('WRITE', 'topic', 'billwerk.audit.dlq.v1')).toEqual(['audit']);
    expect(who('WRITE', 'topic', 'billwerk.audit.checkpoints.v1')).toEqual(['audit']);
    expect(who('READ', 'topic', 'billwerk.audit.checkpoints.v1')).toEqual(['audit']);
    expect(who('WRITE', 'topic', RETENTION_ACTIONS_TOPIC)).toEqual(['retention']);
    // Retention reads its own topic back only to find what a killed relay already published.
    expect(who('READ', 'topic', RETENTION_ACTIONS_TOPIC)).toEqual(['audit', 'retention']);
    expect(who('WRITE', 'topic', RETENTION_DLQ_TOPIC)).toEqual(['retention']);
  });

  it('lets a principal create only topics it writes', () => {
    for (const grant of KAFKA_ACLS.filter((g) => g.operations.includes('CREATE'))) {
      expect({ ...grant, writes: grant.operations.includes('WRITE') }).toMatchObject({
        writes: true,
      });
    }
  });

  it('grants the super user nothing explicitly and names no binding twice', () => {
    expect(KAFKA_ACLS.some((grant) => grant.principal === KAFKA_SUPER_USER)).toBe(false);
    const bindings = KAFKA_ACLS.map((g) => `${g.principal} ${g.resource} ${g.name}`);
    expect(new Set(bindings).size).toBe(bindings.length);
  });
});
