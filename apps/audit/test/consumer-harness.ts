import { AUDIT_CHECKPOINTS_TOPIC, AUDIT_CHECKPOINTS_TOPIC_CONFIG } from '@app/contracts';
import { AcknowledgedProducer, createKafka, ensureTopics } from '@app/messaging';
import { createLogger } from '@app/observability';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { testBrokers } from '../../../test/support/kafka';
import { AuditLogRepository } from '../src/audit-log/audit-log.repository';
import { CheckpointWriter } from '../src/checkpoints/checkpoint-writer';
import { AuditConsumer } from '../src/ingestion/audit-consumer';
import { AuditMetrics } from '../src/metrics/audit-metrics';
import { TEST_LINKER } from './audit-fixtures';

export interface RunningConsumer {
  metrics: AuditMetrics;
  consumer: AuditConsumer;
  stop(): Promise<void>;
}

/** The checkpoint topic as the app creates it; the test's group keeps its keys apart. */
export async function ensureCheckpointTopic(kafka: Kafka): Promise<void> {
  await ensureTopics(kafka, [
    {
      topic: AUDIT_CHECKPOINTS_TOPIC,
      numPartitions: 1,
      replicationFactor: 1,
      configEntries: AUDIT_CHECKPOINTS_TOPIC_CONFIG,
    },
  ]);
}

/**
 * The audit consumer on its own topics and group, writing through `dataSource` and checkpointing
 * to the real checkpoint topic under its group.
 */
export async function startAuditConsumer(options: {
  dataSource: DataSource;
  topics: string[];
  deadLetterTopic: string;
  groupId: string;
}): Promise<RunningConsumer> {
  const logger = createLogger('audit-test', 'fatal');
  const kafka: Kafka = createKafka({ brokers: testBrokers(), clientId: 'audit-test' }, logger);
  await ensureCheckpointTopic(kafka);
  const deadLetters = new AcknowledgedProducer(kafka, logger);
  const checkpoints = new AcknowledgedProducer(kafka, logger);
  const metrics = new AuditMetrics();
  const consumer = new AuditConsumer(
    kafka,
    new AuditLogRepository(options.dataSource, TEST_LINKER),
    deadLetters,
    new CheckpointWriter((batches) => checkpoints.send(batches), {
      topic: AUDIT_CHECKPOINTS_TOPIC,
      group: options.groupId,
    }),
    metrics,
    logger,
    {
      groupId: options.groupId,
      topics: options.topics,
      deadLetterTopic: options.deadLetterTopic,
      partitionsConcurrency: 3,
      retry: { initialMs: 50, maxMs: 500 },
      deterministicAttempts: 3,
    },
  );
  await consumer.start();
  return {
    metrics,
    consumer,
    stop: async () => {
      await consumer.stop();
      await Promise.all([deadLetters.disconnect(), checkpoints.disconnect()]);
    },
  };
}

export async function counterValue(
  metrics: AuditMetrics,
  name: 'rowsWritten' | 'duplicates' | 'deadLetters' | 'storeFailures' | 'offsetRegressions',
): Promise<number> {
  const { values } = await metrics[name].get();
  return values.reduce((sum, sample) => sum + sample.value, 0);
}

export async function countRows(dataSource: DataSource): Promise<number> {
  const [{ count }] = await dataSource.query<Array<{ count: string | number }>>(
    'SELECT COUNT(*) AS count FROM audit_events',
  );
  return Number(count);
}
