/**
 * The one dead-letter format every app writes: the original key and value (the value cut to
 * `MAX_DEAD_LETTER_VALUE_BYTES`), the original headers, and these `dlq-*` headers on top.
 * A record on a dead-letter topic can always be traced back to its origin and replayed from it.
 */
export const DEAD_LETTER_HEADERS = {
  /** Human-readable reason (the error message), at most `MAX_DEAD_LETTER_ERROR_LENGTH` characters. */
  error: 'dlq-error',
  /** Stable machine-readable code, e.g. `TOO_DEEP`, `TOO_LARGE`, `INVALID_ENVELOPE`, `RangeError`, `22001`. */
  errorCode: 'dlq-error-code',
  originTopic: 'dlq-origin-topic',
  originPartition: 'dlq-origin-partition',
  originOffset: 'dlq-origin-offset',
  consumerGroup: 'dlq-consumer-group',
  /** How many times the record was processed before it was given up (1 for a rejection on sight). */
  attempts: 'dlq-attempts',
  /** ISO 8601 time the record was dead-lettered. */
  failedAt: 'dlq-failed-at',
  /** Present only when the value was cut: the original value's size in bytes. */
  valueTruncatedFromBytes: 'dlq-value-truncated-from-bytes',
} as const;

/** Below Kafka's default 1 MiB message limit, so a dead letter can always be written. */
export const MAX_DEAD_LETTER_VALUE_BYTES = 512 * 1024;
export const MAX_DEAD_LETTER_ERROR_LENGTH = 1000;

export interface DeadLetterInfo {
  error: string;
  errorCode: string;
  originTopic: string;
  originPartition: number;
  originOffset: string;
  consumerGroup: string;
  attempts: number;
  failedAt: Date;
  /** Set when the value was cut to MAX_DEAD_LETTER_VALUE_BYTES. */
  valueTruncatedFromBytes?: number;
}

export interface OriginalRecord {
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface DeadLetterRecord {
  key: Buffer | null;
  value: Buffer;
  headers: Record<string, string | string[]>;
}

type DeadLetterFields = Omit<DeadLetterInfo, 'valueTruncatedFromBytes' | 'failedAt'> & {
  failedAt?: Date;
};

function text(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

/**
 * The dead letter of `original`. Its own `dlq-*` headers replace any it carried (a dead letter
 * replayed and dead-lettered again describes its latest failure).
 */
export function buildDeadLetter(
  original: OriginalRecord,
  info: DeadLetterFields,
): DeadLetterRecord {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(original.headers ?? {})) {
    if (value === undefined || name.startsWith('dlq-')) continue;
    headers[name] = Array.isArray(value) ? value.map(text) : text(value);
  }
  const value = original.value ?? Buffer.alloc(0);
  const truncated = value.length > MAX_DEAD_LETTER_VALUE_BYTES;
  if (truncated) headers[DEAD_LETTER_HEADERS.valueTruncatedFromBytes] = String(value.length);
  headers[DEAD_LETTER_HEADERS.error] = info.error.slice(0, MAX_DEAD_LETTER_ERROR_LENGTH);
  headers[DEAD_LETTER_HEADERS.errorCode] = info.errorCode;
  headers[DEAD_LETTER_HEADERS.originTopic] = info.originTopic;
  headers[DEAD_LETTER_HEADERS.originPartition] = String(info.originPartition);
  headers[DEAD_LETTER_HEADERS.originOffset] = info.originOffset;
  headers[DEAD_LETTER_HEADERS.consumerGroup] = info.consumerGroup;
  headers[DEAD_LETTER_HEADERS.attempts] = String(info.attempts);
  headers[DEAD_LETTER_HEADERS.failedAt] = (info.failedAt ?? new Date()).toISOString();
  const key = original.key === null ? null : Buffer.from(original.key);
  return {
    key,
    value: truncated ? value.subarray(0, MAX_DEAD_LETTER_VALUE_BYTES) : value,
    headers,
  };
}

export class DeadLetterFormatError extends Error {
  readonly code = 'DEAD_LETTER_FORMAT';
}

/** Reads the `dlq-*` headers of a dead letter; throws DeadLetterFormatError when one is missing. */
export function parseDeadLetterHeaders(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>,
): DeadLetterInfo {
  const read = (name: string): string => {
    const value = headers[name];
    const single = Array.isArray(value) ? value[value.length - 1] : value;
    if (single === undefined) throw new DeadLetterFormatError(`header ${name} is missing`);
    return text(single);
  };
  const integer = (name: string): number => {
    const value = Number(read(name));
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new DeadLetterFormatError(`header ${name} is not a non-negative integer`);
    }
    return value;
  };
  const failedAt = new Date(read(DEAD_LETTER_HEADERS.failedAt));
  if (Number.isNaN(failedAt.getTime())) {
    throw new DeadLetterFormatError(`header ${DEAD_LETTER_HEADERS.failedAt} is not a timestamp`);
  }
  const info: DeadLetterInfo = {
    error: read(DEAD_LETTER_HEADERS.error),
    errorCode: read(DEAD_LETTER_HEADERS.errorCode),
    originTopic: read(DEAD_LETTER_HEADERS.originTopic),
    originPartition: integer(DEAD_LETTER_HEADERS.originPartition),
    originOffset: String(integer(DEAD_LETTER_HEADERS.originOffset)),
    consumerGroup: read(DEAD_LETTER_HEADERS.consumerGroup),
    attempts: integer(DEAD_LETTER_HEADERS.attempts),
    failedAt,
  };
  if (headers[DEAD_LETTER_HEADERS.valueTruncatedFromBytes] !== undefined) {
    info.valueTruncatedFromBytes = integer(DEAD_LETTER_HEADERS.valueTruncatedFromBytes);
  }
  return info;
}
