import { AUDIT_DLQ_TOPIC, AUDITED_TOPICS } from '@app/contracts';
import {
  AcknowledgedProducer,
  ensureTopics,
  kafkaPrincipal,
  kafkaProblem,
  type ConsumerStatus,
} from '@app/messaging';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { AuditLogRepository } from '../audit-log/audit-log.repository';
import { AUDIT_KAFKA, AUDIT_LOGGER } from '../audit.tokens';
import { ChainCheckpoints } from '../checkpoints/chain-checkpoints';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import { AuditMetrics } from '../metrics/audit-metrics';
import { AuditConsumer } from './audit-consumer';

const START_RETRY_MS = 5000;

/** Runs the audit consumer for the app's lifetime; a broker that is down at start is waited for. */
@Injectable()
export class AuditIngestionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly deadLetters: AcknowledgedProducer;
  private consumer: AuditConsumer | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running = false;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(AUDIT_LOGGER) private readonly logger: Logger,
    private readonly repository: AuditLogRepository,
    private readonly metrics: AuditMetrics,
    private readonly checkpoints: ChainCheckpoints,
    @Inject(AUDIT_KAFKA) readonly kafka: Kafka,
  ) {
    this.deadLetters = new AcknowledgedProducer(this.kafka, logger);
  }

  /** True once the consumer is subscribed and running. */
  get consuming(): boolean {
    return this.running;
  }

  /** The consumer's state: not ready while it waits out a database or dead-letter outage. */
  consumerStatus(): ConsumerStatus | undefined {
    return this.running ? this.consumer?.status() : undefined;
  }

  /**
   * Not awaited: after an unclean stop the group only lets a new member in once the dead one's
   * session expired (up to 30 s), and the query API and health checks should serve meanwhile.
   * Readiness reports the consumer as `starting` until it runs.
   */
  onApplicationBootstrap(): void {
    void this.start();
  }

  /** Before the database closes (onApplicationShutdown): the batch in hand is finished first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.consumer?.stop();
    await this.checkpoints.stop();
    await this.deadLetters.disconnect();
    this.running = false;
    this.logger.info('audit consumer stopped');
  }

  private async start(): Promise<void> {
    const consumer = new AuditConsumer(
      this.kafka,
      this.repository,
      this.deadLetters,
      this.checkpoints.writer,
      this.metrics,
      this.logger,
      {
        groupId: this.config.kafka.groupId,
        topics: AUDITED_TOPICS,
        deadLetterTopic: AUDIT_DLQ_TOPIC,
        partitionsConcurrency: this.config.kafka.partitionsConcurrency,
        retry: this.config.retry,
        deterministicAttempts: this.config.deterministicAttempts,
      },
    );
    try {
      // Creating what is missing (retention.actions.v1 before the retention app exists) means
      // subscribing can never fail on an unknown topic.
      const created = await ensureTopics(
        this.kafka,
        [
          ...[...AUDITED_TOPICS, AUDIT_DLQ_TOPIC].map((topic) => ({
            topic,
            numPartitions: this.config.kafka.partitions,
            replicationFactor: this.config.kafka.replicationFactor,
          })),
          this.checkpoints.topicSpec(),
        ],
        { principal: kafkaPrincipal(this.config.kafka.security) },
      );
      if (created.length > 0) this.logger.info({ topics: created }, 'created Kafka topics');
      if (this.stopped) return;
      await this.checkpoints.startReader();
      if (this.stopped) return;
      this.consumer = consumer;
      await consumer.start();
      this.running = true;
      this.logger.info(
        { groupId: this.config.kafka.groupId, topics: AUDITED_TOPICS },
        'audit consumer running',
      );
    } catch (error) {
      await consumer.stop().catch(() => undefined);
      if (this.stopped) return;
      this.logger.error(
        { err: kafkaProblem(error, this.config.kafka.security), retryInMs: START_RETRY_MS },
        'Kafka not usable at start; retrying',
      );
      this.retryTimer = setTimeout(() => void this.start(), START_RETRY_MS);
    }
  }
}
