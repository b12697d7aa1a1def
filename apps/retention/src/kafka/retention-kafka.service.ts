import {
  RETENTION_ACTIONS_TOPIC,
  RETENTION_CONSUMED_TOPICS,
  RETENTION_DLQ_TOPIC,
} from '@app/contracts';
import {
  AcknowledgedProducer,
  createKafka,
  rangeSince,
  readTopicRange,
  ResilientConsumer,
  type RecordsHandler,
  type ResilientConsumerOptions,
  type TopicBatch,
} from '@app/messaging';
import { KafkaStarter, topicSpecs, type KafkaStarterOptions } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { RETENTION_CONFIG, type RetentionConfig } from '../config/retention.config';
import { RETENTION_LOGGER } from '../retention.tokens';

/** How long looking through the actions topic for a dead relay's records may take. */
const LOOKUP_TIMEOUT_MS = 30_000;

/**
 * Retention's Kafka client, kept to itself, and its one acks=all producer (actions and dead
 * letters); consumers and the start-up of the app's Kafka work are made here.
 */
@Injectable()
export class RetentionKafkaService {
  private readonly kafka: Kafka;
  private readonly producer: AcknowledgedProducer;

  constructor(
    @Inject(RETENTION_CONFIG) private readonly config: RetentionConfig,
    @Inject(RETENTION_LOGGER) private readonly logger: Logger,
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

  /**
   * `start`, retried with backoff, once the topics retention reads and writes exist (created
   * when missing; existing ones stay as they are).
   */
  starter(
    options: Pick<KafkaStarterOptions, 'start' | 'undo' | 'failure' | 'backoff'>,
  ): KafkaStarter {
    return new KafkaStarter({
      ...options,
      kafka: this.kafka,
      security: this.config.kafka.security,
      topics: topicSpecs(
        [...RETENTION_CONSUMED_TOPICS, RETENTION_ACTIONS_TOPIC, RETENTION_DLQ_TOPIC],
        this.config.kafka,
      ),
      logger: this.logger,
    });
  }

  /** A consumer on the shared resilient runner; its dead letters go through this producer. */
  consumer(handler: RecordsHandler, options: ResilientConsumerOptions): ResilientConsumer {
    return new ResilientConsumer(this.kafka, this, handler, this.logger, options);
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
