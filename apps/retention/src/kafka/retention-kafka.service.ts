import {
  RETENTION_ACTIONS_TOPIC,
  RETENTION_CONSUMED_TOPICS,
  RETENTION_DLQ_TOPIC,
} from '@app/contracts';
import {
  AcknowledgedProducer,
  createKafka,
  ensureTopics,
  kafkaPrincipal,
  rangeSince,
  readTopicRange,
  type TopicBatch,
} from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { RETENTION_CONFIG, type RetentionConfig } from '../config/retention.config';
import { RETENTION_LOGGER } from '../retention.tokens';

/** How long looking through the actions topic for a dead relay's records may take. */
const LOOKUP_TIMEOUT_MS = 30_000;

/** Retention's Kafka client and its one acks=all producer (actions and dead letters). */
@Injectable()
export class RetentionKafkaService {
  readonly kafka: Kafka;
  private readonly producer: AcknowledgedProducer;

  constructor(
    @Inject(RETENTION_CONFIG) private readonly config: RetentionConfig,
    @Inject(RETENTION_LOGGER) logger: Logger,
  ) {
    this.kafka = createKafka(
      {
        brokers: config.kafka.brokers,
        security: config.kafka.security,
        clientId: 'billwerk-retention',
      },
      logger,
    );
    this.producer = new AcknowledgedProducer(this.kafka, logger);
  }

  get producerHealthy(): boolean {
    return this.producer.isHealthy;
  }

  /** Creates the topics retention reads and writes when missing; existing ones stay as they are. */
  async prepareTopics(): Promise<string[]> {
    return ensureTopics(
      this.kafka,
      [...RETENTION_CONSUMED_TOPICS, RETENTION_ACTIONS_TOPIC, RETENTION_DLQ_TOPIC].map((topic) => ({
        topic,
        numPartitions: this.config.kafka.partitions,
        replicationFactor: this.config.kafka.replicationFactor,
      })),
      { principal: kafkaPrincipal(this.config.kafka.security) },
    );
  }

  /** Resolves once Kafka acknowledged every message. */
  send(batches: TopicBatch[]): Promise<void> {
    return this.producer.send(batches);
  }

  /**
   * Which of `ids` are on the actions topic among the records written since `since`, by their
   * `ce_id` header. Read in a throw-away group under `<group>.outbox-check.`, never committed.
   */
  async publishedActionIds(ids: ReadonlySet<string>, since: Date): Promise<Set<string>> {
    const found = new Set<string>();
    const range = await rangeSince(this.kafka, RETENTION_ACTIONS_TOPIC, since);
    await readTopicRange(
      this.kafka,
      range,
      (_partition, message) => {
        const id = message.headers?.ce_id?.toString();
        if (id !== undefined && ids.has(id)) found.add(id);
      },
      {
        groupId: `${this.config.kafka.groupId}.outbox-check.${randomUUID()}`,
        timeoutMs: LOOKUP_TIMEOUT_MS,
      },
    );
    return found;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
