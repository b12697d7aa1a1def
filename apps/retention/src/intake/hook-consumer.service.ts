import { RETENTION_CONSUMED_TOPICS, RETENTION_DLQ_TOPIC } from '@app/contracts';
import type { ConsumedRecord, HandlerContext, ResilientConsumer } from '@app/messaging';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { RETENTION_CONFIG, type RetentionConfig } from '../config/retention.config';
import { RetentionKafkaService } from '../kafka/retention-kafka.service';
import { RetentionMetrics } from '../metrics/retention-metrics';
import { RetentionStore } from '../persistence/retention-store';
import { RETENTION_LOGGER } from '../retention.tokens';
import { BackgroundLoop, type KafkaStarter } from '@app/platform';
import { HookIntake } from './hook-intake';

/** billwerk calls can take a while (timeouts, retries): keep the group membership alive. */
const HEARTBEAT_MS = 3000;
/** A record failing the same way this often goes to the DLQ (the runner backs off between). */
const DETERMINISTIC_ATTEMPTS = 3;
/** While the database is away: consumption paused, retried from 0.5 s doubling up to 15 s. */
const BACKOFF = { initialMs: 500, maxMs: 15_000 };

/**
 * Consumes the billwerk topics on the shared resilient runner (libs/messaging), one hook per call
 * so each offset is committed once handled, and retries parked hooks. A database outage pauses
 * every partition until the probe answers; a hook failing deterministically (a value no column
 * takes) is dead-lettered after a few attempts, so no partition loops.
 */
@Injectable()
export class HookConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private runner: ResilientConsumer | undefined;
  private readonly starter: KafkaStarter;
  private readonly retryLoop: BackgroundLoop;

  constructor(
    @Inject(RETENTION_CONFIG) private readonly config: RetentionConfig,
    @Inject(RETENTION_LOGGER) private readonly logger: Logger,
    private readonly kafka: RetentionKafkaService,
    private readonly intake: HookIntake,
    private readonly metrics: RetentionMetrics,
    private readonly store: RetentionStore,
  ) {
    this.retryLoop = new BackgroundLoop(
      'parked-hooks',
      Math.min(config.pending.retryBaseMs, 5000),
      () => this.retryParked(),
      logger,
    );
    // A broker that is down at start must not keep retention down: it consumes once Kafka is back.
    this.starter = kafka.starter({
      start: () => this.start(),
      undo: async () => {
        const runner = this.runner;
        this.runner = undefined;
        await runner?.stop();
      },
      failure: 'Kafka not usable; consuming once it is',
    });
  }

  /** True while the consumer runs and is not waiting out a database outage. */
  get ready(): boolean {
    return this.runner?.status().ready ?? false;
  }

  /**
   * Not awaited: after a crash the group admits a new member only once the dead one's session
   * expired (45 s), and the app must serve /health/live meanwhile, or a liveness probe kills it
   * again and again. /health/ready stays 503 until the consumer joined.
   */
  onApplicationBootstrap(): void {
    this.retryLoop.start();
    this.starter.begin();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.starter.stop();
    // Stopping lets the hook in hand finish and commits its offset.
    await this.runner?.stop();
    await this.retryLoop.stop();
  }

  private async start(): Promise<void> {
    this.runner = this.kafka.consumer((records, context) => this.consume(records[0], context), {
      groupId: this.config.kafka.groupId,
      topics: RETENTION_CONSUMED_TOPICS,
      // A new group processes the retained backlog (earliest); the workflows guard themselves
      // against acting on stale hooks.
      fromBeginning: this.config.kafka.start === 'earliest',
      deadLetterTopic: RETENTION_DLQ_TOPIC,
      deterministicAttempts: DETERMINISTIC_ATTEMPTS,
      maxRecordsPerCall: 1,
      backoff: BACKOFF,
      healthProbe: () => this.store.ping(),
      consumer: { sessionTimeout: 45_000, heartbeatInterval: HEARTBEAT_MS },
      onDeadLetter: (record) =>
        this.metrics.hooks.inc({ topic: record.topic, outcome: 'dead-lettered' }),
    });
    await this.runner.start();
  }

  private async consume(record: ConsumedRecord, context: HandlerContext): Promise<void> {
    const { topic, partition, message } = record;
    const keepAlive = setInterval(() => {
      context.heartbeat().catch(() => undefined);
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
      this.metrics.consumerLag.set(
        { topic, partition },
        Number(BigInt(context.highWatermark) - BigInt(message.offset) - 1n),
      );
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
