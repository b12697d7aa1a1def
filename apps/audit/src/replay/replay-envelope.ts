import type { OutgoingMessage } from '@app/messaging';
import type { AuditEventEntity } from '../audit-log/audit-event.entity';

/** Headers every replayed message carries on top of the original ones. */
export const REPLAYED_HEADER = 'replayed';
export const REPLAY_ID_HEADER = 'replay-id';

/**
 * The envelope rebuilt from the stored columns. The audit row keeps the parsed envelope, not the
 * value bytes, so the field order and values follow serializeHookEnvelope: the JSON is equal as
 * a value to what the ingress published (a body number written `12.50` comes back as `12.5`).
 */
export function rebuildEnvelope(row: AuditEventEntity): string {
  return JSON.stringify({
    specversion: '1.0',
    id: row.eventId,
    source: row.source,
    type: row.type,
    // The ingress always sets a subject; a row without one had none on the wire either.
    ...(row.subject === null ? {} : { subject: row.subject }),
    time: row.receivedAt,
    datacontenttype: 'application/json',
    retrycount: row.retryCount,
    data: row.data,
  });
}

/** The original key (the subject) and headers, marked as a replay of run `replayId`. */
export function replayMessage(row: AuditEventEntity, replayId: string): OutgoingMessage {
  return {
    key: row.subject,
    value: rebuildEnvelope(row),
    headers: { ...row.headers, [REPLAYED_HEADER]: 'true', [REPLAY_ID_HEADER]: replayId },
  };
}
