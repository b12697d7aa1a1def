/** Base of every publish failure: the message was not acknowledged by Kafka. */
export abstract class PublishError extends Error {
  abstract readonly code: string;
}

/** The bounded queue is full: answering "try later" beats growing memory without limit. */
export class PublishQueueFullError extends PublishError {
  readonly code = 'PUBLISH_QUEUE_FULL';
  constructor(limit: number) {
    super(`publish queue is full (${limit} messages waiting for Kafka)`);
  }
}

/** The bytes waiting for Kafka reached their bound: a count alone lets large messages use GBs. */
export class PublishQueueBytesFullError extends PublishError {
  readonly code = 'PUBLISH_QUEUE_BYTES_FULL';
  constructor(limitBytes: number) {
    super(`publish queue is full (${limitBytes} bytes waiting for Kafka)`);
  }
}

/** Kafka did not acknowledge in time; the message may still be written later. */
export class PublishTimeoutError extends PublishError {
  readonly code = 'PUBLISH_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`Kafka did not acknowledge the write within ${timeoutMs} ms`);
  }
}

/** Kafka refused the write or could not be reached. */
export class PublishFailedError extends PublishError {
  readonly code = 'PUBLISH_FAILED';
  constructor(cause: unknown) {
    super(`Kafka write failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/**
 * The send resolved, but the broker acknowledged no records for these `topic/partition`s: they
 * may not be in Kafka, so the send counts as failed.
 */
export class PartialSendError extends PublishError {
  readonly code = 'PUBLISH_PARTIAL';
  constructor(readonly unacknowledged: string[]) {
    super(`Kafka acknowledged no records for ${unacknowledged.join(', ')} of this send`);
  }
}

/** The publisher is shutting down and takes no new messages. */
export class PublisherClosedError extends PublishError {
  readonly code = 'PUBLISHER_CLOSED';
  constructor() {
    super('publisher is shutting down');
  }
}
