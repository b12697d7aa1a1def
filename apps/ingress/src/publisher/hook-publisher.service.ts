import {
  AcknowledgedProducer,
  BatchingPublisher,
  createKafka,
  ensureTopics,
  kafkaPrincipal,
  kafkaProblem,
  type OutgoingMessage,
} from '@app/messaging';
import { BILLWERK_TOPICS } from '@app/contracts';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { INGRESS_CONFIG, type IngressConfig } from '../config/ingress.config';
import { IngressMetrics } from '../metrics/ingress-metrics';
import { INGRESS_LOGGER } from '../ingress.tokens';

const TOPIC_RETRY_MS = 5000;

/**
 * The ingress's only way to Kafka: idempotent acks=all producer lanes behind a bounded batching
 * queue. `publish` resolves only once Kafka acknowledged the message.
 */
@Injectable()
export class HookPublisherService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly kafka: Kafka;
  private readonly producer: AcknowledgedProducer;
  private readonly publisher: BatchingPublisher;
  private topicsReady = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(INGRESS_CONFIG) private readonly config: IngressConfig,
    @Inject(INGRESS_LOGGER) private readonly logger: Logger,
    private readonly metrics: IngressMetrics,
  ) {
    this.kafka = createKafka(
      {
        brokers: config.kafka.brokers,
        security: config.kafka.security,
        clientId: 'billwerk-ingress',
      },
      logger,
    );
    // One lane per send the batching queue may have in flight, so a batch never waits for one.
    this.producer = new AcknowledgedProducer(this.kafka, logger, {
      lanes: config.publisher.maxInFlight,
    });
    this.publisher = new BatchingPublisher(
      (batches) => this.producer.send(batches),
      {
        lingerMs: config.publisher.lingerMs,
        maxBatchMessages: 1000,
        maxBatchBytes: 900 * 1024,
        maxPending: config.publisher.maxPending,
        maxPendingBytes: config.publisher.maxPendingBytes,
        maxInFlight: config.publisher.maxInFlight,
        ackTimeoutMs: config.publisher.ackTimeoutMs,
      },
      {
        batchSettled: ({ messages }, seconds, ok) => {
          metrics.batchSize.observe(messages);
          metrics.batchDuration.observe({ outcome: ok ? 'ok' : 'failed' }, seconds);
        },
      },
    );
    metrics.queueDepthSource = () => this.publisher.depth;
  }

  get producerHealthy(): boolean {
    return this.producer.isHealthy;
  }

  get ready(): boolean {
    return this.topicsReady && this.producer.isHealthy;
  }

  publish(topic: string, message: OutgoingMessage): Promise<void> {
    return this.publisher.publish(topic, message);
  }

  /** Tries to (re)connect the producer; the background readiness check uses it after an outage. */
  async reconnect(): Promise<void> {
    await this.producer.connect();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.prepare();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.retryTimer);
    await this.publisher.close();
    await this.producer.disconnect();
  }

  // A broker that is down at start must not keep the ingress down: hooks get 503 until it is back.
  private async prepare(): Promise<void> {
    try {
      const created = await ensureTopics(
        this.kafka,
        BILLWERK_TOPICS.map((topic) => ({
          topic,
          numPartitions: this.config.kafka.partitions,
          replicationFactor: this.config.kafka.replicationFactor,
        })),
        { principal: kafkaPrincipal(this.config.kafka.security) },
      );
      if (created.length > 0) this.logger.info({ topics: created }, 'created Kafka topics');
      await this.producer.connect();
      this.topicsReady = true;
      this.logger.info({ brokers: this.config.kafka.brokers }, 'connected to Kafka');
    } catch (error) {
      this.logger.error(
        { err: kafkaProblem(error, this.config.kafka.security), retryInMs: TOPIC_RETRY_MS },
        'Kafka not usable at start; hooks are answered 503 until it is',
      );
      this.retryTimer = setTimeout(() => void this.prepare(), TOPIC_RETRY_MS);
    }
  }
}
