import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Consumer, EachMessagePayload } from 'kafkajs';
import type { Logger } from 'pino';
import { RETENTION_CONFIG, type RetentionConfig } from '../config/retention.config';
import { CONSUMED_TOPICS, RetentionKafkaService } from '../kafka/retention-kafka.service';
import { RetentionMetrics } from '../metrics/retention-metrics';
import { RETENTION_LOGGER } from '../retention.tokens';
import { BackgroundLoop } from '../workflow/background-loop';
import { HookIntake } from './hook-intake';

const START_RETRY_MS = 5000;
/** billwerk calls can take a while (timeouts, retries): keep the group membership alive. */
const HEARTBEAT_MS = 3000;

/** Consumes the billwerk topics and retries parked hooks. */
@Injectable()
export class HookConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer: Consumer | undefined;
  private joined = false;
  private startTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly retryLoop: BackgroundLoop;

  constructor(
    @Inject(RETENTION_CONFIG) private readonly config: RetentionConfig,
    @Inject(RETENTION_LOGGER) private readonly logger: Logger,
    private readonly kafka: RetentionKafkaService,
    private readonly intake: HookIntake,
    private readonly metrics: RetentionMetrics,
  ) {
    this.retryLoop = new BackgroundLoop(
      'parked-hooks',
      Math.min(config.pending.retryBaseMs, 5000),
      () => this.retryParked(),
      logger,
    );
  }

  /** True once the consumer joined its group. */
  get ready(): boolean {
    return this.joined;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.retryLoop.start();
    await this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.startTimer);
    // Disconnecting lets the message in hand finish and commits its offset.
    await this.consumer?.disconnect();
    await this.retryLoop.stop();
  }

  /**
   * A broker that is down at start must not keep retention down: it consumes once Kafka is back.
   * After a crash the consumer is replaced here rather than by KafkaJS's own restart, which can
   * fire after `disconnect` and keep a stopped app reconnecting.
   */
  private async start(): Promise<void> {
    const consumer = this.kafka.kafka.consumer({
      groupId: this.config.kafka.groupId,
      sessionTimeout: 45_000,
      heartbeatInterval: HEARTBEAT_MS,
      allowAutoTopicCreation: false,
      retry: { retries: 5, restartOnFailure: () => Promise.resolve(false) },
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.logger.info({ assignment: payload.memberAssignment }, 'joined the consumer group');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.logger.error(
        { err: payload.error.message, retryInMs: START_RETRY_MS },
        'Kafka consumer crashed; starting a new one',
      );
      if (this.consumer === consumer) this.consumer = undefined;
      void consumer.disconnect().catch(() => undefined);
      this.retryStart();
    });
    try {
      await this.kafka.prepareTopics();
      await consumer.connect();
      await consumer.subscribe({
        topics: [...CONSUMED_TOPICS],
        // A new group processes the retained backlog (earliest); the workflows guard themselves
        // against acting on stale hooks.
        fromBeginning: this.config.kafka.start === 'earliest',
      });
      if (this.stopping) {
        await consumer.disconnect();
        return;
      }
      this.consumer = consumer;
      await consumer.run({ eachMessage: (payload) => this.consume(payload) });
    } catch (error) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      this.logger.error(
        { err: error instanceof Error ? error.message : String(error), retryInMs: START_RETRY_MS },
        'Kafka not reachable; consuming once it is',
      );
      this.retryStart();
    }
  }

  private retryStart(): void {
    if (this.stopping) return;
    clearTimeout(this.startTimer);
    this.startTimer = setTimeout(() => void this.start(), START_RETRY_MS);
  }

  private async consume(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const keepAlive = setInterval(() => {
      payload.heartbeat().catch(() => undefined);
    }, HEARTBEAT_MS);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (value !== undefined) headers[name] = value.toString();
    }
    try {
      const { outcome, summary } = await this.intake.process({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? '',
        headers,
      });
      this.metrics.hooks.inc({ topic, outcome });
      const line = {
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString(),
        type: headers.ce_type,
        outcome,
        summary,
      };
      if (outcome === 'ignored') this.logger.debug(line, 'hook not relevant to retention');
      else this.logger.info(line, 'hook handled');
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async retryParked(): Promise<void> {
    const result = await this.intake.retryParked();
    if (result.processed + result.parked + result.deadLettered > 0) {
      this.logger.info(result, 'retried parked hooks');
    }
  }
}
