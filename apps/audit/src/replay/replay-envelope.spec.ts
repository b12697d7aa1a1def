import { cloudEventHeaders, ENVELOPE_ATTRIBUTES, serializeHookEnvelope } from '@app/contracts';
import { canonicalJson } from '../audit-log/hash-chain';
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
  // Read back from the store, `data` is in its stored canonical form: keys sorted.
  const data = JSON.parse(canonicalJson(parsed.record.data)) as unknown;
  return { value, row: { ...parsed.record, data, seq: '1', hash: 'h', chainKeyId: 'k1' } };
}

describe('rebuildEnvelope', () => {
  it('rebuilds the envelope the ingress published from the stored columns', () => {
    const { value, row } = publishedAndStored();
    expect(JSON.parse(rebuildEnvelope(row))).toStrictEqual(JSON.parse(value));
  });

  it('writes the attributes in the ingress order, data in its stored canonical order', () => {
    const { row } = publishedAndStored();
    const rebuilt = JSON.parse(rebuildEnvelope(row)) as { data: Record<string, unknown> };
    expect(Object.keys(rebuilt)).toEqual([...ENVELOPE_ATTRIBUTES]);
    expect(Object.keys(rebuilt.data)).toEqual(['Amount', 'ContractId', 'Event', 'Nested']);
  });

  it('adds no retrycount to an envelope that never had one, such as a retention action', () => {
    const { row } = publishedAndStored();
    const action = {
      ...row,
      type: 'retention.WinBackOfferRequested',
      source: 'billwerk-bridge/retention',
      retryCount: 0,
    };
    expect(JSON.parse(rebuildEnvelope(action))).not.toHaveProperty('retrycount');
    expect(JSON.parse(rebuildEnvelope(row))).toHaveProperty('retrycount', 2);
  });
});

describe('replayMessage', () => {
  it('publishes the stored value byte for byte, and rebuilds it only for rows without one', () => {
    const { value, row } = publishedAndStored();
    expect(replayMessage(row, 'replay-1').value).toBe(value);
    expect(replayMessage({ ...row, rawValue: null }, 'replay-1').value).toBe(rebuildEnvelope(row));
  });

  it('keeps the key and the original headers and marks the replay', () => {
    const { row } = publishedAndStored();
    const message = replayMessage(row, 'replay-1');
    expect(message.key).toBe('5f3e0c2a9b1d4e0012345678');
    expect(message.headers).toEqual({ ...row.headers, replayed: 'true', 'replay-id': 'replay-1' });
  });
});
