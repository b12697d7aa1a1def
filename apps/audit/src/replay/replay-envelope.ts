import { EVENT_TYPE_PREFIX } from '@app/contracts';
import type { OutgoingMessage } from '@app/messaging';
import type { AuditEventEntity } from '../audit-log/audit-event.entity';

/** Headers every replayed message carries on top of the original ones. */
export const REPLAYED_HEADER = 'replayed';
export const REPLAY_ID_HEADER = 'replay-id';

/**
 * The envelope of a row stored before values were kept (no `rawValue`), rebuilt from the stored
 * columns: equal as JSON to what was published, attributes in the ingress's order. It is not the
 * same text: the store keeps `data` normalised, so its keys come back sorted (on Postgres, jsonb's
 * order: shorter keys first) and a number written `12.50` comes back as `12.5`.
 */
export function rebuildEnvelope(
  row: Pick<
    AuditEventEntity,
    'eventId' | 'source' | 'type' | 'subject' | 'receivedAt' | 'retryCount' | 'data'
  >,
): string {
  return JSON.stringify({
    specversion: '1.0',
    id: row.eventId,
    source: row.source,
    type: row.type,
    // The ingress always sets a subject; a row without one had none on the wire either.
    ...(row.subject === null ? {} : { subject: row.subject }),
    time: row.receivedAt,
    datacontenttype: 'application/json',
    // billwerk events carry billwerk's retry count; other envelopes (retention actions) have none.
    ...(row.type.startsWith(EVENT_TYPE_PREFIX) ? { retrycount: row.retryCount } : {}),
    data: row.data,
  });
}

/**
 * The original key (the subject), value and headers, marked as a replay of run `replayId`. The
 * value is the stored one byte for byte; only rows from before it was stored get a rebuilt one.
 */
export function replayMessage(row: AuditEventEntity, replayId: string): OutgoingMessage {
  return {
    key: row.subject,
    value: row.rawValue ?? rebuildEnvelope(row),
    headers: { ...row.headers, [REPLAYED_HEADER]: 'true', [REPLAY_ID_HEADER]: replayId },
  };
}
