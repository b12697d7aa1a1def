import { AUDIT_DLQ_TOPIC, AUDITED_TOPICS } from '@app/contracts';
import { AcknowledgedProducer } from '@app/messaging';
import {
  BrokerProbe,
  HealthChecks,
  KafkaStarter,
  topicSpecs,
  type HealthIndicator,
  type HealthReport,
} from '@app/platform';
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

const NOT_READY_CONSUMER_STATES = new Set(['backing-off', 'stopping', 'stopped']);

/**
 * Runs the audit consumer for the app's lifetime; a broker that is down at start is waited for.
 * Its health indicator: the broker answers and the consumer is not paused waiting out a failure.
 * Offsets going backwards leave it ready (the events are stored;
 * billwerk_audit_offset_regressions_total and an error log tell the operator).
 */
@Injectable()
export class AuditIngestionService
  implements HealthIndicator, OnApplicationBootstrap, BeforeApplicationShutdown
{
  readonly name = 'Kafka';
  private readonly deadLetters: AcknowledgedProducer;
  private readonly starter: KafkaStarter;
  private readonly broker: BrokerProbe;
  private consumer: AuditConsumer | undefined;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(AUDIT_LOGGER) private readonly logger: Logger,
    private readonly repository: AuditLogRepository,
    private readonly metrics: AuditMetrics,
    private readonly checkpoints: ChainCheckpoints,
    @Inject(AUDIT_KAFKA) private readonly kafka: Kafka,
    health: HealthChecks,
  ) {
    this.deadLetters = new AcknowledgedProducer(kafka, logger);
    this.broker = new BrokerProbe(kafka);
    this.starter = new KafkaStarter({
      kafka,
      security: config.kafka.security,
      // Creating what is missing (retention.actions.v1 before the retention app exists) means
      // subscribing can never fail on an unknown topic.
      topics: [
        ...topicSpecs([...AUDITED_TOPICS, AUDIT_DLQ_TOPIC], config.kafka),
        checkpoints.topicSpec(),
      ],
      start: (signal) => this.start(signal),
      undo: async () => {
        const consumer = this.consumer;
        this.consumer = undefined;
        await consumer?.stop();
      },
      logger,
      failure: 'Kafka not usable at start; retrying',
    });
    health.register(this);
  }

  check(): Promise<HealthReport> {
    const state = (this.starter.started && this.consumer?.status().state) || 'starting';
    // Not ready while the consumer waits out a database or dead-letter outage.
    return this.broker.report({
      name: 'consumer',
      state,
      up: !NOT_READY_CONSUMER_STATES.has(state),
    });
  }

  /**
   * Not awaited: after an unclean stop the group only lets a new member in once the dead one's
   * session expired (up to 30 s), and the query API and health checks should serve meanwhile.
   * Readiness reports the consumer as `starting` until it runs.
   */
  onApplicationBootstrap(): void {
    this.starter.begin();
  }

  /** Before the database closes (onApplicationShutdown): the batch in hand is finished first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.starter.stop();
    await this.consumer?.stop();
    await this.checkpoints.stop();
    await this.deadLetters.disconnect();
    await this.broker.close();
    this.logger.info('audit consumer stopped');
  }

  private async start(signal: AbortSignal): Promise<void> {
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
    await this.checkpoints.startReader();
    if (signal.aborted) return;
    this.consumer = consumer;
    await consumer.start();
    this.logger.info(
      { groupId: this.config.kafka.groupId, topics: AUDITED_TOPICS },
      'audit consumer running',
    );
  }
}
