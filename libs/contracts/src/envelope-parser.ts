import type { BillwerkCloudEvent } from './cloud-event';
import { EVENT_TYPE_PREFIX } from './cloud-event';
import type { BillwerkEventName } from './event-catalog';
import type { BillwerkHookPayload } from './hook-payloads';

/** A Kafka value that is not a billwerk-bridge CloudEvent; `reason` says what is wrong. */
export class EnvelopeParseError extends Error {
  readonly code = 'ENVELOPE_INVALID';
  constructor(readonly reason: string) {
    super(`not a billwerk-bridge CloudEvent: ${reason}`);
  }
}

const REQUIRED_STRINGS = ['id', 'source', 'type', 'subject', 'time'] as const;

/**
 * Parses a message value from a `billwerk.*.v1` topic. Subscribers call this first and then
 * narrow with `isBillwerkEvent`: `if (isBillwerkEvent(event, 'ContractCancelled')) …`.
 */
export function parseBillwerkEvent(value: Buffer | string | null): BillwerkCloudEvent {
  if (value === null) throw new EnvelopeParseError('the message has no value (a tombstone)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    throw new EnvelopeParseError(`the value is not JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new EnvelopeParseError('the value is not a JSON object');
  }
  const envelope = parsed as Record<string, unknown>;
  if (envelope.specversion !== '1.0') {
    throw new EnvelopeParseError(
      `specversion must be "1.0" (got ${JSON.stringify(envelope.specversion)})`,
    );
  }
  for (const field of REQUIRED_STRINGS) {
    if (typeof envelope[field] !== 'string' || envelope[field] === '') {
      throw new EnvelopeParseError(`${field} must be a non-empty string`);
    }
  }
  if (!(envelope.type as string).startsWith(EVENT_TYPE_PREFIX)) {
    throw new EnvelopeParseError(
      `type must start with "${EVENT_TYPE_PREFIX}" (got "${String(envelope.type)}")`,
    );
  }
  if (typeof envelope.retrycount !== 'number' || !Number.isInteger(envelope.retrycount)) {
    throw new EnvelopeParseError('retrycount must be an integer');
  }
  const data = envelope.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new EnvelopeParseError('data must be a JSON object');
  }
  if (typeof (data as Record<string, unknown>).Event !== 'string') {
    throw new EnvelopeParseError('data.Event must be a string');
  }
  return envelope as unknown as BillwerkCloudEvent;
}

/** Narrows an envelope to one billwerk event, typing its `data` from the catalog. */
export function isBillwerkEvent<E extends BillwerkEventName>(
  envelope: BillwerkCloudEvent,
  event: E,
): envelope is BillwerkCloudEvent<BillwerkHookPayload<E>> {
  return envelope.type === EVENT_TYPE_PREFIX + event;
}
