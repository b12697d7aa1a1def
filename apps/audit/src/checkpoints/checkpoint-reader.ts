import { parseAuditCheckpoint, type AuditCheckpoint } from '@app/contracts';
import { errorMessage } from '@app/messaging';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

/** The checkpoint topic could not be read up to its end: truncation cannot be checked now. */
export class CheckpointsUnavailableError extends Error {
  readonly code = 'CHECKPOINTS_UNAVAILABLE';
}

export interface CheckpointSnapshot {
  /** The highest checkpoint of each audited topic-partition of this audit log, by `topic/partition`. */
  checkpoints: Map<string, AuditCheckpoint>;
  /** Records under this log's keys that are no checkpoint (or name another partition than their key). */
  malformed: number;
}

export interface CheckpointSource {
  /** Every checkpoint written up to now (the topic read to its current end). */
  snapshot(): Promise<CheckpointSnapshot>;
}

const REPLACE_AFTER_MS = 5000;

export const partitionKey = (topic: string, partition: number): string => `${topic}/${partition}`;

/**
 * Follows the compacted checkpoint topic from its beginning for as long as the app runs, keeping
 * the highest checkpoint (by seq) of each partition of this audit log: a checkpoint replayed from
 * an older state cannot rewind it. It is a consumer of its own throw-away group (it commits
 * nothing), because every instance needs every checkpoint.
 */
export class CheckpointReader implements CheckpointSource {
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private readonly latest = new Map<string, AuditCheckpoint>();
  /** Next offset to read, per partition of the checkpoint topic. */
  private readonly positions = new Map<number, bigint>();
  private malformed = 0;
  private readonly prefix: string;
  private stopped = false;
  private replaceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
    private readonly options: { topic: string; group: string; caughtUpTimeoutMs?: number },
  ) {
    this.prefix = `${options.group}/`;
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    const consumer = this.kafka.consumer({
      groupId: `${this.options.group}.checkpoint-reader.${randomUUID()}`,
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // KafkaJS restarts it after retriable errors; after others it is done, so a new one takes
      // over (reading from the start again; what was seen is kept). Verify meanwhile reports the
      // checkpoints unread.
      this.logger.error(
        { topic: this.options.topic, err: errorMessage(payload.error), restart: payload.restart },
        'audit checkpoint reader crashed',
      );
      if (!payload.restart && this.consumer === consumer) this.replaceLater();
    });
    try {
      await admin.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [this.options.topic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatch: (payload) => this.take(payload) });
    } catch (error) {
      await Promise.allSettled([consumer.disconnect(), admin.disconnect()]);
      throw error;
    }
    this.admin = admin;
    this.consumer = consumer;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.replaceTimer);
    await this.release();
  }

  private async release(): Promise<void> {
    const { consumer, admin } = this;
    this.consumer = undefined;
    this.admin = undefined;
    await Promise.allSettled([consumer?.disconnect(), admin?.disconnect()]);
  }

  private replaceLater(): void {
    if (this.stopped) return;
    this.replaceTimer = setTimeout(() => {
      void this.release()
        .then(() => {
          // Read to the end again before a snapshot counts as current.
          this.positions.clear();
          return this.stopped ? undefined : this.start();
        })
        .catch((error: unknown) => {
          this.logger.error(
            { topic: this.options.topic, err: errorMessage(error), retryInMs: REPLACE_AFTER_MS },
            'audit checkpoint reader could not be replaced; retrying',
          );
          this.replaceLater();
        });
    }, REPLACE_AFTER_MS);
  }

  async snapshot(): Promise<CheckpointSnapshot> {
    const admin = this.admin;
    if (admin === undefined) {
      throw new CheckpointsUnavailableError('the checkpoint reader is not running (Kafka away?)');
    }
    let ends: Array<{ partition: number; high: string }>;
    try {
      ends = await admin.fetchTopicOffsets(this.options.topic);
    } catch (error) {
      throw new CheckpointsUnavailableError(
        `checkpoint topic ${this.options.topic} unreadable: ${errorMessage(error)}`,
      );
    }
    const deadline = Date.now() + (this.options.caughtUpTimeoutMs ?? 10_000);
    const behind = (): boolean =>
      ends.some(({ partition, high }) => (this.positions.get(partition) ?? 0n) < BigInt(high));
    while (behind()) {
      if (Date.now() > deadline) {
        throw new CheckpointsUnavailableError(
          `checkpoint topic ${this.options.topic} not read to its end within ${this.options.caughtUpTimeoutMs ?? 10_000} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { checkpoints: new Map(this.latest), malformed: this.malformed };
  }

  private take({ batch }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      const key = message.key?.toString() ?? '';
      if (!key.startsWith(this.prefix)) continue;
      let checkpoint: AuditCheckpoint;
      try {
        checkpoint = parseAuditCheckpoint(message.value?.toString() ?? '');
      } catch (error) {
        this.reject(key, message.offset, errorMessage(error));
        continue;
      }
      const own = `${this.prefix}${partitionKey(checkpoint.topic, checkpoint.partition)}`;
      if (checkpoint.group !== this.options.group || own !== key) {
        this.reject(key, message.offset, 'checkpoint names another partition than its key');
        continue;
      }
      const at = partitionKey(checkpoint.topic, checkpoint.partition);
      const known = this.latest.get(at);
      if (known === undefined || BigInt(checkpoint.seq) > BigInt(known.seq)) {
        this.latest.set(at, checkpoint);
      }
    }
    this.positions.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
    return Promise.resolve();
  }

  private reject(key: string, offset: string, problem: string): void {
    this.malformed += 1;
    this.logger.error(
      { topic: this.options.topic, key, offset, problem },
      'malformed audit checkpoint ignored',
    );
  }
}
