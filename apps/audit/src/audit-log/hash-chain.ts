import { createHash, createHmac } from 'node:crypto';
import type { AuditRecord } from './audit-record';
import type { ChainKeyRing } from './chain-keys';

/** The "previous hash" of the first row of a topic-partition. */
export const GENESIS_HASH = '';

interface Frame {
  close: string;
  /** Children in output order; `key` is undefined for array items. */
  entries: Array<[string | undefined, unknown]>;
  next: number;
  parts: string[];
}

function frameOf(value: object): Frame {
  if (Array.isArray(value)) {
    return { close: ']', entries: value.map((item) => [undefined, item]), next: 0, parts: [] };
  }
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key): [string, unknown] => [key, record[key]]);
  return { close: '}', entries, next: 0, parts: [] };
}

function primitiveJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/**
 * JSON with object keys sorted at every depth: equal values always give equal text. Walks with
 * its own stack rather than recursing, so no nesting depth can overflow the call stack.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return primitiveJson(value);
  const stack: Frame[] = [frameOf(value)];
  for (;;) {
    const top = stack[stack.length - 1];
    if (top.next === top.entries.length) {
      const text = `${top.close === ']' ? '[' : '{'}${top.parts.join(',')}${top.close}`;
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent === undefined) return text;
      parent.parts.push(labelled(parent.entries[parent.next - 1][0], text));
      continue;
    }
    const [key, child] = top.entries[top.next];
    top.next += 1;
    if (child === null || typeof child !== 'object') {
      top.parts.push(labelled(key, primitiveJson(child)));
    } else {
      stack.push(frameOf(child));
    }
  }
}

function labelled(key: string | undefined, json: string): string {
  return key === undefined ? json : `${JSON.stringify(key)}:${json}`;
}

export interface CanonicalRow {
  /** The row's hashed content: canonical JSON of every AuditRecord field, keys sorted. */
  content: string;
  /** Canonical JSON of `data` and `headers`, reused as the jsonb values written. */
  dataJson: string;
  headersJson: string;
}

/**
 * The legacy (unkeyed) chain of rows stored before migration AuditEventsKeyedChain1764300000001:
 * the canonical content of a row, spelled out field by field in sorted key order, equal to
 * `canonicalJson` of the record's fields; `data` and `headers` are serialised once for both the
 * hash and the INSERT. Extra columns (a row read back with its seq) are not part of it.
 */
export function canonicalRow(record: Omit<AuditRecord, 'rawValue'>): CanonicalRow {
  const text = JSON.stringify;
  const dataJson = canonicalJson(record.data);
  const headersJson = canonicalJson(record.headers);
  const content =
    `{"contractId":${text(record.contractId)},"customerId":${text(record.customerId)},` +
    `"data":${dataJson},"eventId":${text(record.eventId)},"headers":${headersJson},` +
    `"kafkaTimestamp":${text(record.kafkaTimestamp)},"offset":${text(record.offset)},` +
    `"partition":${text(record.partition)},"receivedAt":${text(record.receivedAt)},` +
    `"recordedAt":${text(record.recordedAt)},"retryCount":${text(record.retryCount)},` +
    `"source":${text(record.source)},"subject":${text(record.subject)},` +
    `"topic":${text(record.topic)},"type":${text(record.type)}}`;
  return { content, dataJson, headersJson };
}

/**
 * The legacy link: SHA-256 over the previous row's hash (same topic-partition) and this row's
 * canonical content. Anyone can recompute it, so it only shows accidental damage; rows since the
 * keyed chain are checked with `keyedRowHash`.
 */
export function legacyChainHash(previousHash: string, content: string): string {
  return createHash('sha256').update(previousHash).update('\n').update(content).digest('hex');
}

/** What a keyed link covers besides the value: every column except `data`, which is parsed from it. */
export type KeyedFields = Omit<AuditRecord, 'data' | 'headers'>;

/**
 * HMAC-SHA-256, under the key named `keyId`, over the previous row's hash (same topic-partition),
 * the row's columns in sorted key order (the key id among them) and the value bytes exactly as
 * consumed. Without the key nobody can make an edited, inserted or removed row link up again.
 * `data` is not hashed (it is the value parsed); verifying checks it against the value instead.
 */
export function keyedRowHash(
  secret: Buffer,
  keyId: string,
  previousHash: string,
  record: KeyedFields,
  headersJson: string,
): string {
  const text = JSON.stringify;
  const columns =
    `{"contractId":${text(record.contractId)},"customerId":${text(record.customerId)},` +
    `"eventId":${text(record.eventId)},"headers":${headersJson},` +
    `"kafkaTimestamp":${text(record.kafkaTimestamp)},"keyId":${text(keyId)},` +
    `"offset":${text(record.offset)},"partition":${text(record.partition)},` +
    `"receivedAt":${text(record.receivedAt)},"recordedAt":${text(record.recordedAt)},` +
    `"retryCount":${text(record.retryCount)},"source":${text(record.source)},` +
    `"subject":${text(record.subject)},"topic":${text(record.topic)},"type":${text(record.type)}}`;
  return createHmac('sha256', secret)
    .update(previousHash)
    .update('\n')
    .update(columns)
    .update('\n')
    .update(record.rawValue, 'utf8')
    .digest('hex');
}

/** How one new row is linked, and the column values that go with it. */
export interface RowLink {
  hash: string;
  /** Null: an unkeyed (legacy) link. */
  keyId: string | null;
  rawValue: string | null;
  dataJson: string;
  headersJson: string;
}

/** Links a new row to its predecessor's hash. */
export type ChainLinker = (previousHash: string, record: AuditRecord) => RowLink;

/** The app's linker: HMAC under the ring's active key, the value kept as consumed. */
export function keyedLinker(keys: ChainKeyRing): ChainLinker {
  const { id } = keys.active;
  const secret = keys.activeSecret;
  return (previousHash, record) => {
    const headersJson = canonicalJson(record.headers);
    return {
      hash: keyedRowHash(secret, id, previousHash, record, headersJson),
      keyId: id,
      rawValue: record.rawValue,
      // `data` is the value parsed, kept for queries; the value itself is what is hashed.
      dataJson: JSON.stringify(record.data),
      headersJson,
    };
  };
}
