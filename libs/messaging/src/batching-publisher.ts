import {
  PublishFailedError,
  PublishQueueBytesFullError,
  PublishQueueFullError,
  PublishTimeoutError,
  PublisherClosedError,
} from './publish-errors';

export interface OutgoingMessage {
  key: string | Buffer | null;
  /** A Buffer forwards bytes that are not (valid) text unchanged, e.g. to a dead-letter topic. */
  value: string | Buffer;
  headers: Record<string, string | string[]>;
}

export interface TopicBatch {
  topic: string;
  messages: OutgoingMessage[];
}

/** Sends one coalesced batch; resolves only once the broker acknowledged every message in it. */
export type BatchSender = (batches: TopicBatch[]) => Promise<void>;

export interface BatchingOptions {
  /** How long the first message of a batch may wait for company (0: the current event-loop turn). */
  lingerMs: number;
  /** A batch is sent at once when it reaches this many messages… */
  maxBatchMessages: number;
  /** …or this many bytes of values. */
  maxBatchBytes: number;
  /** Messages buffered or in flight beyond which `publish` refuses at once. */
  maxPending: number;
  /** Bytes of values buffered or in flight beyond which `publish` refuses at once (no bound if unset). */
  maxPendingBytes?: number;
  /** Batches sent concurrently; while all are busy the next batch keeps filling. */
  maxInFlight: number;
  /** A publish not acknowledged within this time is rejected with PublishTimeoutError. */
  ackTimeoutMs: number;
}

export interface BatchObserver {
  batchSettled(sizes: { messages: number; bytes: number }, seconds: number, ok: boolean): void;
}

interface Pending {
  topic: string;
  message: OutgoingMessage;
  bytes: number;
  settled: boolean;
  timer: NodeJS.Timeout;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Coalesces concurrent publishes into few produce requests. KafkaJS has no linger: each `send` is
 * one request, so at thousands of hooks per second batching is ours to do. Every caller's promise
 * settles with its batch: resolved on the broker's acknowledgement, rejected on any failure.
 */
export class BatchingPublisher {
  private buffer: Pending[] = [];
  private bufferedBytes = 0;
  private pendingCount = 0;
  private pendingBytes = 0;
  private inFlight = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private lingerImmediate: NodeJS.Immediate | undefined;
  private closed = false;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly send: BatchSender,
    private readonly options: BatchingOptions,
    private readonly observer?: BatchObserver,
  ) {}

  /** Messages accepted and not yet settled (buffered or in flight). */
  get depth(): number {
    return this.pendingCount;
  }

  publish(topic: string, message: OutgoingMessage): Promise<void> {
    if (this.closed) return Promise.reject(new PublisherClosedError());
    if (this.pendingCount >= this.options.maxPending) {
      return Promise.reject(new PublishQueueFullError(this.options.maxPending));
    }
    const bytes = Buffer.byteLength(message.value);
    const { maxPendingBytes } = this.options;
    if (maxPendingBytes !== undefined && this.pendingBytes + bytes > maxPendingBytes) {
      return Promise.reject(new PublishQueueBytesFullError(maxPendingBytes));
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Pending = {
        topic,
        message,
        bytes,
        settled: false,
        timer: setTimeout(
          () => this.settle(entry, new PublishTimeoutError(this.options.ackTimeoutMs)),
          this.options.ackTimeoutMs,
        ),
        resolve,
        reject,
      };
      this.pendingCount += 1;
      this.pendingBytes += entry.bytes;
      this.buffer.push(entry);
      this.bufferedBytes += entry.bytes;
      this.schedule();
    });
  }

  /** Stops taking messages and waits until everything accepted so far has settled. */
  async close(): Promise<void> {
    this.closed = true;
    this.flushIfPossible();
    if (this.pendingCount === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    const full =
      this.buffer.length >= this.options.maxBatchMessages ||
      this.bufferedBytes >= this.options.maxBatchBytes;
    if (full) {
      this.flushIfPossible();
    } else if (this.lingerTimer === undefined && this.lingerImmediate === undefined) {
      // Linger 0 still waits for the rest of this event-loop turn: hooks that arrived together
      // go together. While all sends are in flight the batch keeps filling (as Nagle would).
      const flush = (): void => {
        this.lingerTimer = undefined;
        this.lingerImmediate = undefined;
        this.flushIfPossible();
      };
      if (this.options.lingerMs === 0) this.lingerImmediate = setImmediate(flush);
      else this.lingerTimer = setTimeout(flush, this.options.lingerMs);
    }
  }

  private flushIfPossible(): void {
    while (this.inFlight < this.options.maxInFlight && this.buffer.length > 0) {
      this.flushOne();
    }
    if (this.buffer.length === 0) {
      clearTimeout(this.lingerTimer);
      clearImmediate(this.lingerImmediate);
      this.lingerTimer = undefined;
      this.lingerImmediate = undefined;
    }
  }

  private flushOne(): void {
    const batch: Pending[] = [];
    let bytes = 0;
    while (
      this.buffer.length > 0 &&
      batch.length < this.options.maxBatchMessages &&
      (batch.length === 0 || bytes + this.buffer[0].bytes <= this.options.maxBatchBytes)
    ) {
      const entry = this.buffer.shift() as Pending;
      this.bufferedBytes -= entry.bytes;
      if (entry.settled) continue;
      batch.push(entry);
      bytes += entry.bytes;
    }
    if (batch.length === 0) return;

    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const entry of batch) {
      const messages = byTopic.get(entry.topic) ?? [];
      messages.push(entry.message);
      byTopic.set(entry.topic, messages);
    }
    const topicBatches = [...byTopic].map(([topic, messages]) => ({ topic, messages }));

    this.inFlight += 1;
    const started = process.hrtime.bigint();
    const finish = (error?: Error): void => {
      this.inFlight -= 1;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.observer?.batchSettled({ messages: batch.length, bytes }, seconds, !error);
      for (const entry of batch) this.settle(entry, error);
      this.flushIfPossible();
    };
    this.send(topicBatches).then(
      () => finish(),
      (error: unknown) => finish(new PublishFailedError(error)),
    );
  }

  private settle(entry: Pending, error?: Error): void {
    if (entry.settled) return;
    entry.settled = true;
    clearTimeout(entry.timer);
    this.pendingCount -= 1;
    this.pendingBytes -= entry.bytes;
    if (error) entry.reject(error);
    else entry.resolve();
    if (this.pendingCount === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }
}
