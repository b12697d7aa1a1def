import { cloudEventHeaders, serializeHookEnvelope } from '@app/contracts';
import type { AuditEventEntity } from '../audit-log/audit-event.entity';
import { toAuditRecord } from '../ingestion/audit-message';
import { rebuildEnvelope, replayMessage } from './replay-envelope';

/** What the ingress publishes, and the row the audit consumer stores for it. */
function publishedAndStored(): { value: string; row: AuditEventEntity } {
  const value = serializeHookEnvelope({
    id: '6f1c0a7e-1d2b-4c3d-9e8f-0a1b2c3d4e5f',
    sourceName: 'default',
    event: 'PaymentFailed',
    subject: '5f3e0c2a9b1d4e0012345678',
    receivedAt: new Date('2026-11-25T10:00:00.123Z'),
    retryCount: 2,
    rawData:
      '{"Event":"PaymentFailed","ContractId":"5f3e0c2a9b1d4e0012345678","Amount":12.5,"Nested":{"z":[1,"two"],"a":null}}',
  });
  const headers = cloudEventHeaders(
    JSON.parse(value) as { id: string; type: string; source: string },
    '00-abc-def-01',
  );
  const parsed = toAuditRecord(
    'billwerk.payment.v1',
    1,
    { offset: '7', timestamp: '1764064800200', value: Buffer.from(value), headers },
    new Date(),
  );
  if (!parsed.ok) throw new Error(parsed.problem);
  return { value, row: { ...parsed.record, seq: '1', hash: 'h' } };
}

describe('rebuildEnvelope', () => {
  it('rebuilds the envelope the ingress published from the stored columns', () => {
    const { value, row } = publishedAndStored();
    expect(JSON.parse(rebuildEnvelope(row))).toStrictEqual(JSON.parse(value));
    // Same field order too: the text is identical when the body has no number spelling to lose.
    expect(rebuildEnvelope(row)).toBe(value);
  });
});

describe('replayMessage', () => {
  it('keeps the key and the original headers and marks the replay', () => {
    const { row } = publishedAndStored();
    const message = replayMessage(row, 'replay-1');
    expect(message.key).toBe('5f3e0c2a9b1d4e0012345678');
    expect(message.headers).toEqual({ ...row.headers, replayed: 'true', 'replay-id': 'replay-1' });
  });
});
