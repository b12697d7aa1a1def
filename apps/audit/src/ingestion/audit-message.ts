import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { AuditRecord, StoredHeaders } from '../audit-log/audit-record';

export type AuditParseResult = { ok: true; record: AuditRecord } | { ok: false; problem: string };

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
    throw new Error(`${field} must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
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
    throw new Error('time must be an RFC 3339 timestamp');
  }
  const time = new Date(value);
  if (Number.isNaN(time.getTime()) || time.getUTCFullYear() < 1 || time.getUTCFullYear() > 9999) {
    throw new Error('time must be an RFC 3339 timestamp between years 1 and 9999');
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
    throw new Error(`retrycount must be an integer from 0 to ${MAX_RETRY_COUNT}`);
  }
  return value;
}

function assertStorable(value: unknown): void {
  if (typeof value === 'string') {
    if (UNSTORABLE_TEXT.test(value)) throw new Error('contains NUL or an unpaired surrogate');
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
 * Maps one Kafka message to its audit row, or says why it can never be one (not JSON, not a
 * CloudEvent, text no database accepts). Checked by hand rather than with class-validator: this
 * runs for every message, tens of thousands per second.
 */
export function toAuditRecord(
  topic: string,
  partition: number,
  message: Pick<KafkaMessage, 'offset' | 'timestamp' | 'value' | 'headers'>,
  recordedAt: Date,
): AuditParseResult {
  try {
    if (message.value === null || message.value.length === 0) throw new Error('value is empty');
    const text = message.value.toString('utf8');
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch (error) {
      throw new Error(`value is not JSON: ${(error as Error).message}`);
    }
    if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
      throw new Error('value is not a JSON object');
    }
    const fields = envelope as Record<string, unknown>;
    if (fields.specversion !== '1.0')
      throw new Error('specversion must be "1.0" (CloudEvents 1.0)');
    const subject = fields.subject;
    if (subject !== undefined && typeof subject !== 'string') {
      throw new Error('subject must be a string');
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
    };
    // Walking every string is only needed when the text holds a suspicious escape (rarely).
    if (UNSTORABLE_ESCAPE.test(text)) assertStorable(record);
    else assertStorable(record.headers);
    return { ok: true, record };
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
}
