import type { IHeaders, KafkaMessage } from 'kafkajs';
import { isUtf8 } from 'node:buffer';
import type { AuditRecord, StoredHeaders } from '../audit-log/audit-record';

/** Why a message can never be an audit row; the dead letter's `dlq-error-code`. */
export type AuditRejectionCode =
  'TOO_LARGE' | 'TOO_DEEP' | 'NOT_JSON' | 'INVALID_ENVELOPE' | 'UNSTORABLE_TEXT';

export type AuditParseResult =
  { ok: true; record: AuditRecord } | { ok: false; code: AuditRejectionCode; problem: string };

/** Far above any envelope the ingress writes (its bodies are at most 64 KiB). */
export const MAX_AUDIT_VALUE_BYTES = 1024 * 1024;
/** The ingress allows 8 levels in a hook; the envelope adds one. */
export const MAX_AUDIT_VALUE_DEPTH = 64;

class Rejection extends Error {
  constructor(
    readonly code: AuditRejectionCode,
    message: string,
  ) {
    super(message);
  }
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of objects and arrays in raw JSON bytes, found in one pass without
 * parsing (brackets inside strings do not count). Stops counting once past `limit`.
 */
export function jsonDepthExceeds(value: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < value.length; i += 1) {
    const byte = value[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

const MAX_ID_LENGTH = 512;
const MAX_RETRY_COUNT = 2 ** 31 - 1;
/** Postgres text and jsonb refuse NUL and unpaired surrogates; such a row could never be stored. */
const UNSTORABLE_TEXT =
  // eslint-disable-next-line no-control-regex -- finding NUL is the point
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** JSON escapes that decode to such text; raw UTF-8 cannot carry them (JSON forbids raw NUL). */
const UNSTORABLE_ESCAPE = /\\u(0000|d[89a-f])/i;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Kafka headers as text; repeated headers keep every value. */
export function headersOf(headers: IHeaders | undefined): StoredHeaders {
  const stored: StoredHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    stored[name] = Array.isArray(value) ? value.map((part) => part.toString()) : value.toString();
  }
  return stored;
}

function requiredText(envelope: Record<string, unknown>, field: string): string {
  const value = envelope[field];
  if (typeof value !== 'string' || value === '' || value.length > MAX_ID_LENGTH) {
    throw new Rejection(
      'INVALID_ENVELOPE',
      `${field} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`,
    );
  }
  return value;
}

function idFrom(data: unknown, spellings: readonly string[]): string | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  for (const field of spellings) {
    const value = (data as Record<string, unknown>)[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

function timestampOf(value: unknown, kafkaTimestamp: string): string {
  if (value === undefined) return kafkaTimestamp;
  if (typeof value !== 'string' || !RFC3339.test(value)) {
    throw new Rejection('INVALID_ENVELOPE', 'time must be an RFC 3339 timestamp');
  }
  const time = new Date(value);
  if (Number.isNaN(time.getTime()) || time.getUTCFullYear() < 1 || time.getUTCFullYear() > 9999) {
    throw new Rejection(
      'INVALID_ENVELOPE',
      'time must be an RFC 3339 timestamp between years 1 and 9999',
    );
  }
  return time.toISOString();
}

function retryCountOf(value: unknown): number {
  if (value === undefined) return 0;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > MAX_RETRY_COUNT
  ) {
    throw new Rejection(
      'INVALID_ENVELOPE',
      `retrycount must be an integer from 0 to ${MAX_RETRY_COUNT}`,
    );
  }
  return value;
}

function assertStorable(value: unknown): void {
  if (typeof value === 'string') {
    if (UNSTORABLE_TEXT.test(value)) {
      throw new Rejection('UNSTORABLE_TEXT', 'contains NUL or an unpaired surrogate');
    }
  } else if (Array.isArray(value)) {
    value.forEach(assertStorable);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      assertStorable(key);
      assertStorable(child);
    }
  }
}

/**
 * Maps one Kafka message to its audit row, or says why it can never be one (too large, nested
 * too deep, not JSON, not a CloudEvent, text no database accepts). Size and depth are checked on
 * the raw bytes before anything parses or walks the value. Checked by hand rather than with class-validator: this
 * runs for every message, tens of thousands per second.
 */
export function toAuditRecord(
  topic: string,
  partition: number,
  message: Pick<KafkaMessage, 'offset' | 'timestamp' | 'value' | 'headers'>,
  recordedAt: Date,
): AuditParseResult {
  try {
    if (message.value === null || message.value.length === 0) {
      throw new Rejection('NOT_JSON', 'value is empty');
    }
    if (message.value.length > MAX_AUDIT_VALUE_BYTES) {
      throw new Rejection(
        'TOO_LARGE',
        `value is ${message.value.length} bytes, more than ${MAX_AUDIT_VALUE_BYTES}`,
      );
    }
    if (jsonDepthExceeds(message.value, MAX_AUDIT_VALUE_DEPTH)) {
      throw new Rejection('TOO_DEEP', `value is nested deeper than ${MAX_AUDIT_VALUE_DEPTH}`);
    }
    // Stored and hashed as text: bytes that are not UTF-8 would not come back the same.
    if (!isUtf8(message.value)) throw new Rejection('NOT_JSON', 'value is not UTF-8 text');
    const text = message.value.toString('utf8');
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch (error) {
      throw new Rejection('NOT_JSON', `value is not JSON: ${(error as Error).message}`);
    }
    if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
      throw new Rejection('INVALID_ENVELOPE', 'value is not a JSON object');
    }
    const fields = envelope as Record<string, unknown>;
    if (fields.specversion !== '1.0') {
      throw new Rejection('INVALID_ENVELOPE', 'specversion must be "1.0" (CloudEvents 1.0)');
    }
    const subject = fields.subject;
    if (subject !== undefined && typeof subject !== 'string') {
      throw new Rejection('INVALID_ENVELOPE', 'subject must be a string');
    }
    const kafkaTimestamp = new Date(Number(message.timestamp)).toISOString();
    const data = fields.data === undefined ? null : fields.data;
    const record: AuditRecord = {
      eventId: requiredText(fields, 'id'),
      type: requiredText(fields, 'type'),
      source: requiredText(fields, 'source'),
      subject: subject ?? null,
      contractId: idFrom(data, ['ContractId', 'ContractID']),
      customerId: idFrom(data, ['CustomerId', 'CustomerID']),
      topic,
      partition,
      offset: message.offset,
      kafkaTimestamp,
      receivedAt: timestampOf(fields.time, kafkaTimestamp),
      recordedAt: recordedAt.toISOString(),
      retryCount: retryCountOf(fields.retrycount),
      data,
      headers: headersOf(message.headers),
      rawValue: text,
    };
    // Walking every string is only needed when the text holds a suspicious escape (rarely).
    if (UNSTORABLE_ESCAPE.test(text)) assertStorable(record);
    else assertStorable(record.headers);
    return { ok: true, record };
  } catch (error) {
    // Only Rejections are expected; anything else is a bug and goes to the runner's policy.
    if (!(error instanceof Rejection)) throw error;
    return { ok: false, code: error.code, problem: error.message };
  }
}
