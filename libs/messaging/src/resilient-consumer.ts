// Over 400 lines on purpose: the batch loop, backoff, split-and-dead-letter and the commit and
// rejoin paths share one state (paused partitions, calls in flight, the stop signal) that every
// one of them must see the same way; split apart, each piece would have to expose it.
import { buildDeadLetter } from '@app/contracts';
import { inSpan, tracingEnabled } from '@app/observability';
import type {
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  TopicPartitionOffsetAndMetadata,
} from 'kafkajs';
import type { Logger } from 'pino';
import type { TopicBatch } from './batching-publisher';
import {
  classifyFailure,
  errorMessage,
  type Classification,
  type FailurePolicyOptions,
} from './failure-policy';
import { processSpan } from './tracing';

/** One consumed record with its origin. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** A record the handler refuses outright (it can never be processed): dead-lettered at once. */
export interface RejectedRecord {
  message: KafkaMessage;
  code: string;
  error: string;
}

export interface HandlerContext {
  topic: string;
  partition: number;
  /** The partition's high watermark as of the fetch (lag = highWatermark - last offset - 1). */
  highWatermark: string;
  /** Keeps the group membership alive during a long call. */
  heartbeat(): Promise<void>;
}

/**
 * Processes consecutive records of one partition (at most `maxRecordsPerCall`). Resolving means
 * every record is done except the `rejected` ones it returns, which are dead-lettered. Throwing
 * fails the whole call: the runner classifies the error and retries, splits the call to find the
 * poison record, or dead-letters it. A handler must be idempotent: a call can be repeated.
 */
export type RecordsHandler = (
  records: ConsumedRecord[],
  context: HandlerContext,
) => Promise<void | { rejected?: RejectedRecord[] }>;

export interface ResilientConsumerOptions {
  groupId: string;
  topics: readonly string[];
  /** Where a new group starts (committed offsets always win). Default true. */
  fromBeginning?: boolean;
  deadLetterTopic: string;
  /** Attempts of a single record failing deterministically before it is dead-lettered. */
  deterministicAttempts: number;
  /** Records per handler call; 1 processes (and commits) record by record. Default: the batch. */
  maxRecordsPerCall?: number;
  partitionsConsumedConcurrently?: number;
  /** Pause between retries of a transient failure: doubles from `initialMs` up to `maxMs`. */
  backoff: { initialMs: number; maxMs: number };
  /**
   * Checked before consumption resumes after a transient failure (e.g. `SELECT 1`), and to tell
   * an unknown error's cause: while it fails the consumer stays paused and not ready.
   */
  healthProbe?: () => Promise<void>;
  failurePolicy?: FailurePolicyOptions;
  /** Passed to KafkaJS (maxBytesPerPartition, sessionTimeout, …). */
  consumer?: Omit<ConsumerConfig, 'groupId'>;
  /** Called once per dead-lettered record, after it was acknowledged on the dead-letter topic. */
  onDeadLetter?: (record: ConsumedRecord, failure: Classification & { error: string }) => void;
  /** Called after every transient or deterministic failure of a call. */
  onFailure?: (topic: string, failure: Classification) => void;
}

export type ConsumerState = 'stopped' | 'starting' | 'running' | 'backing-off' | 'stopping';

export interface ConsumerStatus {
  state: ConsumerState;
  /** Running and not waiting out a transient failure: what a readiness probe should report. */
  ready: boolean;
  /** The transient failure being waited out, if any. */
  failure?: string;
  /** Times the consumer joined its group: more than one means it was rebalanced out and back. */
  groupJoins: number;
}

export interface DeadLetterSender {
  send(batches: TopicBatch[]): Promise<void>;
}

/** The call was abandoned: the consumer stops or the partition moved. Nothing is committed. */
class Abandoned extends Error {}

/** Heartbeats keep the group membership alive while a call waits out a failure. */
const HEARTBEAT_SLICE_MS = 1000;

/**
 * One Kafka consumer runner for every app: at-least-once, commits only what was processed or
 * dead-lettered, and never lets one record stop a partition or a database outage rebalance the
 * group.
 *
 * - Deterministic failure of a call of several records: the call is split in halves until the
 *   failing record is alone; that record is tried `deterministicAttempts` times, then written to
 *   the dead-letter topic (the shared `dlq-*` format) and committed past.
 * - Transient failure: every assigned partition is paused, the same call is retried with capped
 *   exponential backoff while heartbeating, after the health probe passes; status is not ready.
 * - Unknown failure: transient while the health probe fails, otherwise a deterministic attempt.
 */
export class ResilientConsumer {
  private consumer: Consumer | undefined;
  private readonly stopping = new AbortController();
  private state: ConsumerState = 'stopped';
  /** Calls currently waiting out a transient failure; partitions resume when none is left. */
  private readonly backingOff = new Set<symbol>();
  private lastFailure: string | undefined;
  private groupJoins = 0;
  /** Batches being handled: stop() lets them finish and commit before leaving the group. */
  private readonly inFlight = new Set<Promise<void>>();
  /** A start in progress: stop() waits for it, so a consumer never starts after stop(). */
  private starting: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly deadLetters: DeadLetterSender,
    private readonly handler: RecordsHandler,
    private readonly logger: Logger,
    private readonly options: ResilientConsumerOptions,
  ) {
    if (!Number.isInteger(options.deterministicAttempts) || options.deterministicAttempts < 1) {
      throw new RangeError('deterministicAttempts must be a positive integer');
    }
    if (
      options.maxRecordsPerCall !== undefined &&
      (!Number.isInteger(options.maxRecordsPerCall) || options.maxRecordsPerCall < 1)
    ) {
      throw new RangeError('maxRecordsPerCall must be a positive integer');
    }
  }

  status(): ConsumerStatus {
    const backingOff = this.backingOff.size > 0;
    const state = this.state === 'running' && backingOff ? 'backing-off' : this.state;
    return {
      state,
      ready: state === 'running',
      groupJoins: this.groupJoins,
      ...(backingOff && this.lastFailure !== undefined ? { failure: this.lastFailure } : {}),
    };
  }

  start(): Promise<void> {
    this.starting = this.connectAndRun();
    return this.starting;
  }

  private async connectAndRun(): Promise<void> {
    this.state = 'starting';
    const consumer = this.kafka.consumer({
      allowAutoTopicCreation: false,
      ...this.options.consumer,
      groupId: this.options.groupId,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.groupJoins += 1;
      this.logger.info(
        { groupId: payload.groupId, assignment: payload.memberAssignment },
        'consumer joined its group',
      );
    });
    await consumer.connect();
    // A stop() that came while connecting must not be followed by a consumer that runs anyway.
    if (this.stopping.signal.aborted) return;
    await consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    if (this.stopping.signal.aborted) return;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.track(this.handleBatch(payload)),
    });
    if (!this.stopping.signal.aborted) this.state = 'running';
  }

  /**
   * Finishes and commits the call in hand (a call waiting out a failure is abandoned
   * uncommitted; it is redelivered), then leaves the group.
   */
  async stop(): Promise<void> {
    this.state = 'stopping';
    this.stopping.abort();
    await this.starting?.catch(() => undefined);
    // KafkaJS drops commits once it stops running: the call in hand commits first.
    await Promise.allSettled([...this.inFlight]);
    await this.consumer?.disconnect();
    this.state = 'stopped';
  }

  private track(handling: Promise<void>): Promise<void> {
    this.inFlight.add(handling);
    return handling.finally(() => this.inFlight.delete(handling));
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    const size = this.options.maxRecordsPerCall ?? messages.length;
    try {
      for (let start = 0; start < messages.length; start += size) {
        this.assertActive(payload);
        const slice = messages.slice(start, start + size);
        await this.process(
          payload,
          slice.map((message) => ({ topic, partition, message })),
        );
        const last = slice[slice.length - 1].offset;
        payload.resolveOffset(last);
        await this.commit({ topic, partition, offset: (BigInt(last) + 1n).toString() });
      }
    } catch (error) {
      if (error instanceof Abandoned) return;
      throw error;
    }
  }

  /** Processes `records` completely (stored or dead-lettered) or throws Abandoned. */
  private async process(payload: EachBatchPayload, records: ConsumedRecord[]): Promise<void> {
    let deterministicFailures = 0;
    for (let attempt = 1; ; attempt += 1) {
      this.assertActive(payload);
      let failure: Classification & { error: string };
      try {
        const outcome = await this.call(payload, records);
        const rejected = outcome?.rejected ?? [];
        if (rejected.length > 0) await this.deadLetterRejected(payload, records, rejected);
        return;
      } catch (error) {
        if (error instanceof Abandoned) throw error;
        failure = { ...(await this.classify(error)), error: errorMessage(error) };
      }
      this.options.onFailure?.(records[0].topic, failure);
      if (failure.kind === 'transient') {
        await this.backOff(payload, records, failure, attempt);
        continue;
      }
      if (records.length > 1) {
        // One record is most likely at fault: halve until it is alone, keeping the order.
        const middle = Math.ceil(records.length / 2);
        this.logger.warn(
          {
            topic: records[0].topic,
            partition: records[0].partition,
            fromOffset: records[0].message.offset,
            records: records.length,
            code: failure.code,
            err: failure.error,
          },
          'call failed deterministically; splitting it to isolate the failing record',
        );
        await this.process(payload, records.slice(0, middle));
        await this.process(payload, records.slice(middle));
        return;
      }
      deterministicFailures += 1;
      if (deterministicFailures >= this.options.deterministicAttempts) {
        await this.deadLetter(payload, records[0], failure, deterministicFailures);
        return;
      }
      this.logger.warn(
        {
          topic: records[0].topic,
          partition: records[0].partition,
          offset: records[0].message.offset,
          attempt: deterministicFailures,
          of: this.options.deterministicAttempts,
          code: failure.code,
          err: failure.error,
        },
        'record failed; retrying before dead-lettering it',
      );
      await this.wait(this.delay(deterministicFailures - 1), payload);
    }
  }

  /** One handler call, in a `process <topic>` span when tracing is on (see processSpan). */
  private call(payload: EachBatchPayload, records: ConsumedRecord[]): ReturnType<RecordsHandler> {
    const { topic, partition } = records[0];
    const context: HandlerContext = {
      topic,
      partition,
      highWatermark: payload.batch.highWatermark,
      heartbeat: () => payload.heartbeat(),
    };
    if (!tracingEnabled()) return this.handler(records, context);
    const span = processSpan({
      topic,
      partition,
      groupId: this.options.groupId,
      messages: records.map((record) => record.message),
    });
    return inSpan(span.name, span, () => this.handler(records, context));
  }

  private async classify(error: unknown): Promise<Classification> {
    const classification = classifyFailure(error, this.options.failurePolicy);
    if (classification.kind !== 'unknown') return classification;
    if (this.options.healthProbe !== undefined && !(await this.probe())) {
      return { kind: 'transient', code: classification.code };
    }
    return { kind: 'deterministic', code: classification.code };
  }

  private async probe(): Promise<boolean> {
    try {
      await this.options.healthProbe?.();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Pauses every assigned partition (they share the failing dependency), waits, and waits on
   * until the health probe passes; the caller then retries the same records.
   */
  private async backOff(
    payload: EachBatchPayload,
    records: ConsumedRecord[],
    failure: Classification & { error: string },
    attempt: number,
  ): Promise<void> {
    const token = Symbol('backoff');
    this.backingOff.add(token);
    this.lastFailure = `${failure.code}: ${failure.error}`;
    this.consumer?.pause(this.options.topics.map((topic) => ({ topic })));
    try {
      for (let round = attempt - 1; ; round += 1) {
        const delayMs = this.delay(round);
        this.logger.warn(
          {
            topic: records[0].topic,
            partition: records[0].partition,
            fromOffset: records[0].message.offset,
            attempt: round + 1,
            retryInMs: delayMs,
            code: failure.code,
            err: failure.error,
          },
          'transient failure; consumption paused, retrying the same records',
        );
        await this.wait(delayMs, payload);
        if (await this.probe()) return;
      }
    } finally {
      this.backingOff.delete(token);
      if (this.backingOff.size === 0 && !this.stopping.signal.aborted) {
        this.consumer?.resume(this.options.topics.map((topic) => ({ topic })));
      }
    }
  }

  private delay(round: number): number {
    const { initialMs, maxMs } = this.options.backoff;
    return Math.min(maxMs, initialMs * 2 ** Math.min(round, 20));
  }

  private async deadLetterRejected(
    payload: EachBatchPayload,
    records: ConsumedRecord[],
    rejected: RejectedRecord[],
  ): Promise<void> {
    const { topic, partition } = records[0];
    const letters = rejected.map((entry) =>
      buildDeadLetter(entry.message, {
        error: entry.error,
        errorCode: entry.code,
        originTopic: topic,
        originPartition: partition,
        originOffset: entry.message.offset,
        consumerGroup: this.options.groupId,
        attempts: 1,
      }),
    );
    await this.untilSent(payload, records, letters);
    for (const entry of rejected) {
      this.reportDeadLetter(
        { topic, partition, message: entry.message },
        { kind: 'deterministic', code: entry.code, error: entry.error },
        1,
      );
    }
  }

  private async deadLetter(
    payload: EachBatchPayload,
    record: ConsumedRecord,
    failure: Classification & { error: string },
    attempts: number,
  ): Promise<void> {
    const letter = buildDeadLetter(record.message, {
      error: failure.error,
      errorCode: failure.code,
      originTopic: record.topic,
      originPartition: record.partition,
      originOffset: record.message.offset,
      consumerGroup: this.options.groupId,
      attempts,
    });
    await this.untilSent(payload, [record], [letter]);
    this.reportDeadLetter(record, failure, attempts);
  }

  private reportDeadLetter(
    record: ConsumedRecord,
    failure: Classification & { error: string },
    attempts: number,
  ): void {
    this.logger.error(
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.message.offset,
        attempts,
        code: failure.code,
        err: failure.error,
        deadLetterTopic: this.options.deadLetterTopic,
      },
      'record dead-lettered',
    );
    this.options.onDeadLetter?.(record, failure);
  }

  /** The dead-letter topic is a dependency like the database: its failures are transient. */
  private async untilSent(
    payload: EachBatchPayload,
    records: ConsumedRecord[],
    letters: ReturnType<typeof buildDeadLetter>[],
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      this.assertActive(payload);
      try {
        await this.deadLetters.send([{ topic: this.options.deadLetterTopic, messages: letters }]);
        return;
      } catch (error) {
        const failure = {
          kind: 'transient' as const,
          code: 'DEAD_LETTER_SEND',
          error: errorMessage(error),
        };
        this.options.onFailure?.(records[0].topic, failure);
        await this.backOff(payload, records, failure, attempt);
      }
    }
  }

  private async commit(offset: TopicPartitionOffsetAndMetadata): Promise<void> {
    try {
      await this.consumer?.commitOffsets([offset]);
    } catch (error) {
      // Nothing is lost: the records come back after a rebalance and the handler is idempotent.
      this.logger.warn(
        { ...offset, err: errorMessage(error) },
        'offset commit failed; processed records will be redelivered',
      );
      // KafkaJS keeps the coordinator it joined with for every commit, whatever the answer: only
      // a rejoin, which its runner does when this reaches it, finds the new one. Swallowed, a
      // coordinator that moved (a broker restarted) failed every commit for minutes.
      const membership = groupMembershipError(error);
      if (membership) throw membership;
    }
  }

  private assertActive(payload: EachBatchPayload): void {
    if (this.stopping.signal.aborted || !payload.isRunning() || payload.isStale()) {
      throw new Abandoned();
    }
  }

  private async wait(delayMs: number, payload: EachBatchPayload): Promise<void> {
    const until = Date.now() + delayMs;
    while (Date.now() < until) {
      this.assertActive(payload);
      await sleep(Math.min(HEARTBEAT_SLICE_MS, until - Date.now()), this.stopping.signal);
      this.assertActive(payload);
      try {
        await payload.heartbeat();
      } catch (error) {
        // A rebalance: the partition may go elsewhere; abandon the call uncommitted.
        this.logger.warn({ err: errorMessage(error) }, 'heartbeat refused while waiting');
        throw new Abandoned();
      }
    }
  }
}

/** The KafkaJS errors after which its runner rejoins the group (`isRebalancing`, unknown member). */
const GROUP_MEMBERSHIP_ERRORS = new Set([
  'NOT_COORDINATOR_FOR_GROUP',
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

/** The protocol error, possibly wrapped by KafkaJS's retrier, that calls for a rejoin. */
export function groupMembershipError(error: unknown): Error | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const { type, cause } = current as Error & { type?: unknown; cause?: unknown };
    if (typeof type === 'string' && GROUP_MEMBERSHIP_ERRORS.has(type)) return current;
    current = cause;
  }
  return undefined;
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
