import {
  AcknowledgedProducer,
  BatchingPublisher,
  createKafka,
  type OutgoingMessage,
} from '@app/messaging';
import { BILLWERK_TOPICS } from '@app/contracts';
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
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { INGRESS_CONFIG, type IngressConfig } from '../config/ingress.config';
import { IngressMetrics } from '../metrics/ingress-metrics';
import { INGRESS_LOGGER } from '../ingress.tokens';

/**
 * The ingress's only way to Kafka: idempotent acks=all producer lanes behind a bounded batching
 * queue. `publish` resolves only once Kafka acknowledged the message. Ready (its health
 * indicator) when the broker answers and the producer is connected.
 */
@Injectable()
export class HookPublisherService
  implements HealthIndicator, OnApplicationBootstrap, OnApplicationShutdown
{
  readonly name = 'Kafka';
  private readonly producer: AcknowledgedProducer;
  private readonly publisher: BatchingPublisher;
  private readonly starter: KafkaStarter;
  private readonly broker: BrokerProbe;
  private recoveryTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(INGRESS_CONFIG) private readonly config: IngressConfig,
    @Inject(INGRESS_LOGGER) private readonly logger: Logger,
    metrics: IngressMetrics,
    health: HealthChecks,
  ) {
    const kafka = createKafka(
      {
        brokers: config.kafka.brokers,
        security: config.kafka.security,
        clientId: 'billwerk-ingress',
      },
      logger,
    );
    // One lane per send the batching queue may have in flight, so a batch never waits for one.
    this.producer = new AcknowledgedProducer(kafka, logger, {
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
    // A broker that is down at start must not keep the ingress down: hooks get 503 until it is back.
    this.starter = new KafkaStarter({
      kafka,
      security: config.kafka.security,
      topics: topicSpecs(BILLWERK_TOPICS, config.kafka),
      start: async () => {
        await this.producer.connect();
        logger.info({ brokers: config.kafka.brokers }, 'connected to Kafka');
      },
      logger,
      failure: 'Kafka not usable at start; hooks are answered 503 until it is',
    });
    this.broker = new BrokerProbe(kafka);
    health.register(this);
  }

  check(): Promise<HealthReport> {
    const connected = this.starter.started && this.producer.isHealthy;
    return this.broker.report({
      name: 'producer',
      state: connected ? 'connected' : 'not connected',
      up: connected,
    });
  }

  publish(topic: string, message: OutgoingMessage): Promise<void> {
    return this.publisher.publish(topic, message);
  }

  onApplicationBootstrap(): void {
    this.starter.begin();
    this.scheduleRecovery();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.recoveryTimer);
    await this.starter.stop();
    await this.publisher.close();
    await this.producer.disconnect();
    await this.broker.close();
  }

  /**
   * After an outage a lane gets a fresh producer with the next hook; with no hooks coming (a load
   * balancer sends none to an unready instance) the producer is reconnected here instead.
   */
  private scheduleRecovery(): void {
    if (this.stopped) return;
    this.recoveryTimer = setTimeout(() => {
      const reconnect =
        this.starter.started && !this.producer.isHealthy
          ? this.producer
              .connect()
              .catch((error: unknown) =>
                this.logger.warn(
                  { err: error instanceof Error ? error.message : String(error) },
                  'Kafka producer reconnect failed; retrying',
                ),
              )
          : Promise.resolve();
      void reconnect.then(() => this.scheduleRecovery());
    }, this.config.readyCheckIntervalMs);
  }
}
