import {
  ResilientConsumer,
  type ConsumedRecord,
  type ConsumerStatus,
  type DeadLetterSender,
  type HandlerContext,
  type RejectedRecord,
} from '@app/messaging';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { AuditLogRepository } from '../audit-log/audit-log.repository';
import type { AuditRecord } from '../audit-log/audit-record';
import type { CheckpointRecorder } from '../checkpoints/checkpoint-writer';
import type { AuditMetrics } from '../metrics/audit-metrics';
import { toAuditRecord } from './audit-message';

export interface AuditConsumerOptions {
  groupId: string;
  topics: readonly string[];
  deadLetterTopic: string;
  /** Partitions whose batches are stored at the same time (each in its own transaction). */
  partitionsConcurrency: number;
  /** Backoff while the database (or the dead-letter topic) is away: doubles up to `maxMs`. */
  retry: { initialMs: number; maxMs: number };
  /** Attempts of a record failing deterministically before it is dead-lettered. */
  deterministicAttempts: number;
}

/**
 * Consumes every audited topic in batches on the shared ResilientConsumer: one transaction per
 * batch, offsets committed only after it committed. Messages that can never be rows (too large,
 * too deep, not a CloudEvent) go to the dead-letter topic at once; a batch that fails
 * deterministically is split until the failing record is found and dead-lettered; a database
 * outage pauses consumption and retries the same batch with capped backoff.
 */
export class AuditConsumer {
  private readonly runner: ResilientConsumer;

  constructor(
    kafka: Kafka,
    private readonly repository: Pick<AuditLogRepository, 'appendIfAbsent' | 'ping'>,
    deadLetters: DeadLetterSender,
    private readonly checkpoints: CheckpointRecorder,
    private readonly metrics: AuditMetrics,
    private readonly logger: Logger,
    options: AuditConsumerOptions,
  ) {
    this.runner = new ResilientConsumer(
      kafka,
      deadLetters,
      (records, context) => this.store(records, context),
      logger,
      {
        groupId: options.groupId,
        topics: options.topics,
        fromBeginning: true,
        deadLetterTopic: options.deadLetterTopic,
        deterministicAttempts: options.deterministicAttempts,
        partitionsConsumedConcurrently: options.partitionsConcurrency,
        backoff: options.retry,
        healthProbe: () => this.repository.ping(),
        consumer: { maxBytesPerPartition: 4 * 1024 * 1024 },
        onDeadLetter: (record) => this.metrics.deadLetters.inc({ topic: record.topic }),
        onFailure: (topic, failure) =>
          this.metrics.storeFailures.inc({ topic, kind: failure.kind }),
      },
    );
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  /** Lets the batch in hand finish and commit (one waiting out an outage is abandoned), then leaves. */
  stop(): Promise<void> {
    return this.runner.stop();
  }

  status(): ConsumerStatus {
    return this.runner.status();
  }

  private async store(
    consumed: ConsumedRecord[],
    context: HandlerContext,
  ): Promise<{ rejected: RejectedRecord[] }> {
    const { topic, partition } = context;
    const endTimer = this.metrics.batchDuration.startTimer();
    const recordedAt = new Date();
    const records: AuditRecord[] = [];
    const rejected: RejectedRecord[] = [];
    for (const { message } of consumed) {
      const parsed = toAuditRecord(topic, partition, message, recordedAt);
      if (parsed.ok) records.push(parsed.record);
      else rejected.push({ message, code: parsed.code, error: parsed.problem });
    }
    const outcome = await this.repository.appendIfAbsent(topic, partition, records);
    this.metrics.rowsWritten.inc({ topic }, outcome.written);
    if (outcome.duplicates > 0) {
      this.metrics.duplicates.inc({ topic }, outcome.duplicates);
      this.logger.info(
        { topic, partition, duplicates: outcome.duplicates },
        'redelivered events were already stored',
      );
    }
    if (outcome.offsetRegression !== undefined) {
      // Stored all the same: the events are new. An operator should know the log was replaced.
      this.metrics.offsetRegressions.inc({ topic }, outcome.offsetRegression.count);
      this.logger.error(
        { topic, partition, ...outcome.offsetRegression },
        'offsets went backwards: new events at or below the highest stored offset (topic recreated or cluster replaced?); stored',
      );
    }
    if (rejected.length > 0) {
      this.logger.warn(
        {
          topic,
          partition,
          count: rejected.length,
          offsets: rejected.slice(0, 20).map((entry) => entry.message.offset),
          problems: [...new Set(rejected.map((entry) => entry.error))].slice(0, 5),
        },
        'messages that can never be audit rows go to the dead-letter topic',
      );
    }
    // Before the offset commit: a row is never committed past without a checkpoint at or after
    // it, so removing it from the end shows. A failure here is transient: the batch is tried
    // again, finds its rows stored, and records the checkpoint then.
    if (outcome.head !== undefined) await this.checkpoints.record(topic, partition, outcome.head);
    endTimer();
    this.metrics.batchSize.observe(consumed.length);
    const last = consumed[consumed.length - 1].message.offset;
    this.metrics.consumerLag.set(
      { topic, partition },
      Number(BigInt(context.highWatermark) - BigInt(last) - 1n),
    );
    return { rejected };
  }
}
