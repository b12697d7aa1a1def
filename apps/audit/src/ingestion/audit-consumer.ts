import type { AcknowledgedProducer, OutgoingMessage } from '@app/messaging';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { AuditLogRepository } from '../audit-log/audit-log.repository';
import type { AuditRecord } from '../audit-log/audit-record';
import type { AuditMetrics } from '../metrics/audit-metrics';
import { headersOf, toAuditRecord } from './audit-message';

export interface AuditConsumerOptions {
  groupId: string;
  topics: readonly string[];
  deadLetterTopic: string;
  /** Partitions whose batches are stored at the same time (each in its own transaction). */
  partitionsConcurrency: number;
  /** Backoff while the database (or the dead-letter topic) is away: doubles up to `maxMs`. */
  retry: { initialMs: number; maxMs: number };
}

interface PartitionWrite {
  done: Promise<boolean>;
  firstOffset: string;
}

interface Rejected {
  message: KafkaMessage;
  problem: string;
}

/** Below Kafka's default 1 MiB message limit, so a dead letter can always be written. */
const MAX_DEAD_LETTER_VALUE_BYTES = 512 * 1024;
const DEAD_LETTER_SLICE_BYTES = 512 * 1024;
/** Kafka's per-record framing, roughly: enough to keep a slice of many small records in bounds. */
const RECORD_OVERHEAD_BYTES = 32;

/** Heartbeats keep the group membership alive while a batch waits for the database. */
const HEARTBEAT_SLICE_MS = 1000;

/**
 * Consumes every audited topic in batches: one transaction per batch, offsets committed only after
 * it committed. Messages that can never be rows go to the dead-letter topic so they never block
 * their partition; a database outage pauses consumption and retries the same batch with capped
 * backoff, committing nothing until it is stored.
 */
export class AuditConsumer {
  private consumer: Consumer | undefined;
  private readonly stopping = new AbortController();
  /** The latest write per topic-partition: resolves true once stored and committed. */
  private readonly writes = new Map<string, PartitionWrite>();

  constructor(
    private readonly kafka: Kafka,
    private readonly repository: Pick<AuditLogRepository, 'appendIfAbsent'>,
    private readonly deadLetters: Pick<AcknowledgedProducer, 'send'>,
    private readonly metrics: AuditMetrics,
    private readonly logger: Logger,
    private readonly options: AuditConsumerOptions,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.logger.info(
        { groupId: payload.groupId, assignment: payload.memberAssignment },
        'audit consumer joined its group',
      );
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrency,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /**
   * Stops taking batches, lets the writes in hand finish and commit (a write waiting out a database
   * outage is abandoned uncommitted), then leaves the group.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.writes.values()].map((write) => write.done));
    await this.consumer?.disconnect();
  }

  /**
   * Parses the batch and hands it to its partition's writer, then returns so KafkaJS fetches the
   * next batch while this one is written: fetching and writing overlap. Each partition has at most
   * one write in flight, and its offset is committed only once that write committed.
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    if (batch.messages.length === 0 || this.stopping.signal.aborted) return;
    const key = `${topic}/${partition}`;
    const previous = this.writes.get(key);
    if (previous !== undefined && !(await previous.done)) {
      // The fetch position is already past a batch that was not stored: go back to it.
      this.writes.delete(key);
      if (!this.stopping.signal.aborted) {
        this.consumer?.seek({ topic, partition, offset: previous.firstOffset });
      }
      return;
    }
    if (this.stopping.signal.aborted) return;

    const endTimer = this.metrics.batchDuration.startTimer();
    const recordedAt = new Date();
    const records: AuditRecord[] = [];
    const rejected: Rejected[] = [];
    for (const message of batch.messages) {
      const parsed = toAuditRecord(topic, partition, message, recordedAt);
      if (parsed.ok) records.push(parsed.record);
      else rejected.push({ message, problem: parsed.problem });
    }
    const next = (BigInt(batch.lastOffset()) + 1n).toString();
    const done = this.untilStored(payload, () => this.store(topic, partition, records, rejected))
      .then(async (stored) => {
        // Stopping, or the partition moved to another member: nothing committed, it is redelivered.
        if (!stored) return false;
        await this.commit(topic, partition, next);
        endTimer();
        this.metrics.batchSize.observe(batch.messages.length);
        this.metrics.consumerLag.set(
          { topic, partition },
          Number(BigInt(batch.highWatermark) - BigInt(next)),
        );
        return true;
      })
      .catch((error: unknown) => {
        // A heartbeat refused during a rebalance ends the wait: the batch is redelivered.
        this.logger.warn(
          { topic, partition, err: errorText(error) },
          'batch abandoned uncommitted',
        );
        return false;
      });
    this.writes.set(key, { done, firstOffset: batch.messages[0].offset });
    payload.resolveOffset(batch.messages[batch.messages.length - 1].offset);
  }

  /**
   * A failed commit loses nothing: the rows are stored, and the messages come back and are
   * skipped as already stored (after a rebalance, or at the next start).
   */
  private async commit(topic: string, partition: number, offset: string): Promise<void> {
    try {
      await this.consumer?.commitOffsets([{ topic, partition, offset }]);
    } catch (error) {
      this.logger.warn(
        { topic, partition, offset, err: errorText(error) },
        'offset commit failed; the stored batch will be redelivered and skipped',
      );
    }
  }

  private async store(
    topic: string,
    partition: number,
    records: AuditRecord[],
    rejected: Rejected[],
  ): Promise<void> {
    const outcome = await this.repository.appendIfAbsent(topic, partition, records);
    if (rejected.length > 0) {
      // Sent in slices: one produce request per partition must stay under the broker's size limit.
      const messages = rejected.map((entry) => this.deadLetter(topic, partition, entry));
      for (const slice of slicesOf(messages, DEAD_LETTER_SLICE_BYTES)) {
        await this.deadLetters.send([{ topic: this.options.deadLetterTopic, messages: slice }]);
      }
      this.logger.warn(
        {
          topic,
          partition,
          count: rejected.length,
          offsets: rejected.slice(0, 20).map((entry) => entry.message.offset),
          problems: [...new Set(rejected.map((entry) => entry.problem))].slice(0, 5),
          deadLetterTopic: this.options.deadLetterTopic,
        },
        'messages that can never be audit rows sent to the dead-letter topic',
      );
      this.metrics.deadLetters.inc({ topic }, rejected.length);
    }
    this.metrics.rowsWritten.inc({ topic }, outcome.written);
    if (outcome.duplicates > 0) {
      this.metrics.duplicates.inc({ topic }, outcome.duplicates);
      this.logger.info(
        { topic, partition, duplicates: outcome.duplicates },
        'redelivered messages were already stored',
      );
    }
  }

  private deadLetter(
    topic: string,
    partition: number,
    { message, problem }: Rejected,
  ): OutgoingMessage {
    const headers = headersOf(message.headers);
    const value = message.value ?? Buffer.alloc(0);
    const truncated = value.length > MAX_DEAD_LETTER_VALUE_BYTES;
    if (truncated) headers['dlq-value-truncated-from-bytes'] = String(value.length);
    return {
      key: message.key,
      value: truncated ? value.subarray(0, MAX_DEAD_LETTER_VALUE_BYTES) : value,
      headers: {
        ...headers,
        'dlq-error': problem,
        'dlq-origin-topic': topic,
        'dlq-origin-partition': String(partition),
        'dlq-origin-offset': message.offset,
        'dlq-consumer-group': this.options.groupId,
      },
    };
  }

  /** Runs `attempt` until it succeeds; false when the consumer stops or loses the partition first. */
  private async untilStored(
    payload: EachBatchPayload,
    attempt: () => Promise<void>,
  ): Promise<boolean> {
    const { topic, partition } = payload.batch;
    let paused = false;
    try {
      for (let failures = 0; ; failures += 1) {
        if (this.stopping.signal.aborted || !payload.isRunning() || payload.isStale()) return false;
        try {
          await attempt();
          if (failures > 0) {
            this.logger.info({ topic, partition, failures }, 'batch stored after retrying');
          }
          return true;
        } catch (error) {
          const delayMs = Math.min(
            this.options.retry.maxMs,
            this.options.retry.initialMs * 2 ** Math.min(failures, 20),
          );
          this.metrics.storeFailures.inc({ topic });
          this.logger.warn(
            { topic, partition, failures: failures + 1, retryInMs: delayMs, err: errorText(error) },
            'batch not stored; consumption paused, retrying the same batch',
          );
          // Every partition writes to the same database: stop fetching all of them meanwhile.
          this.consumer?.pause(this.options.topics.map((name) => ({ topic: name })));
          paused = true;
          await this.wait(delayMs, payload);
        }
      }
    } finally {
      if (paused) this.consumer?.resume(this.options.topics.map((name) => ({ topic: name })));
    }
  }

  private async wait(delayMs: number, payload: EachBatchPayload): Promise<void> {
    const until = Date.now() + delayMs;
    while (Date.now() < until && !this.stopping.signal.aborted) {
      await sleep(Math.min(HEARTBEAT_SLICE_MS, until - Date.now()), this.stopping.signal);
      await payload.heartbeat();
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function slicesOf(messages: OutgoingMessage[], maxBytes: number): OutgoingMessage[][] {
  const slices: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = recordBytes(message);
    if (current.length > 0 && bytes + size > maxBytes) {
      slices.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}

function recordBytes(message: OutgoingMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(message.value);
  if (message.key !== null) bytes += Buffer.byteLength(message.key);
  for (const [name, value] of Object.entries(message.headers)) {
    for (const part of Array.isArray(value) ? value : [value]) {
      bytes += Buffer.byteLength(name) + Buffer.byteLength(part) + 2;
    }
  }
  return bytes;
}
