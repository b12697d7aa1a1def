/**
 * The CloudEvents 1.0 structured-mode envelope every billwerk-bridge topic carries.
 * `data` is the hook body exactly as billwerk sent it.
 */
export interface BillwerkCloudEvent<TData = Record<string, unknown>> {
  specversion: '1.0';
  /** A new UUID per delivery: billwerk sends no id, and equal bodies can be distinct changes. */
  id: string;
  /** `billwerk/<source name>`, the billwerk account the hook was authenticated as. */
  source: string;
  /** `billwerk.<Event>` */
  type: string;
  /** The Kafka key: ContractId, else CustomerId, else the hook's own id. */
  subject: string;
  /** Receipt time, RFC 3339. */
  time: string;
  datacontenttype: 'application/json';
  /** billwerk's `X-Retry-Count` (0 on the first attempt). */
  retrycount: number;
  data: TData;
}

/** The CloudEvents attributes every envelope on our topics carries, in the order written. */
export const CLOUDEVENT_ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'datacontenttype',
] as const satisfies ReadonlyArray<keyof BillwerkCloudEvent>;

/** Every attribute of a billwerk event's envelope, in the order it is written. */
export const ENVELOPE_ATTRIBUTES = [...CLOUDEVENT_ATTRIBUTES, 'retrycount', 'data'] as const;

export const CLOUDEVENT_CONTENT_TYPE = 'application/cloudevents+json';
export const EVENT_TYPE_PREFIX = 'billwerk.';
export const SOURCE_PREFIX = 'billwerk/';

export interface HookEnvelopeInput {
  id: string;
  sourceName: string;
  event: string;
  subject: string;
  receivedAt: Date;
  retryCount: number;
  /** The request body, already checked to be one JSON object. */
  rawData: string;
}

/**
 * Serialises the envelope with the body spliced in verbatim: re-serialising a parsed body would
 * normalise numbers (`12.50` → `12.5`) and escapes, and `data` must be what billwerk sent.
 */
export function serializeHookEnvelope(input: HookEnvelopeInput): string {
  // Written out rather than JSON.stringify of an object: this runs once per hook, and the key
  // order is part of what subscribers see. Strings still go through JSON.stringify to escape.
  return (
    `{"specversion":"1.0","id":${JSON.stringify(input.id)}` +
    `,"source":${JSON.stringify(SOURCE_PREFIX + input.sourceName)}` +
    `,"type":${JSON.stringify(EVENT_TYPE_PREFIX + input.event)}` +
    `,"subject":${JSON.stringify(input.subject)}` +
    `,"time":"${input.receivedAt.toISOString()}","datacontenttype":"application/json"` +
    `,"retrycount":${JSON.stringify(input.retryCount)},"data":${input.rawData.trim()}}`
  );
}

/** Kafka headers that let subscribers route without parsing the value (CloudEvents Kafka binding). */
export function cloudEventHeaders(
  envelope: Pick<BillwerkCloudEvent, 'id' | 'type' | 'source'>,
  traceparent: string,
): Record<string, string> {
  return {
    'content-type': CLOUDEVENT_CONTENT_TYPE,
    ce_id: envelope.id,
    ce_type: envelope.type,
    ce_source: envelope.source,
    traceparent,
  };
}
