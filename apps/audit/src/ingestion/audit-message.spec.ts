import { cloudEventJson } from '../../test/audit-fixtures';
import { toAuditRecord } from './audit-message';

const recordedAt = new Date('2026-03-01T10:00:00.000Z');

function message(value: string | null, headers: Record<string, string | string[]> = {}) {
  return {
    offset: '41',
    timestamp: String(Date.parse('2026-03-01T09:59:59.000Z')),
    value: value === null ? null : Buffer.from(value),
    headers,
  };
}

describe('toAuditRecord', () => {
  it('maps an ingress CloudEvent to its row', () => {
    const value = cloudEventJson(
      'DunningCreated',
      { DunningId: 'd1', CustomerId: 'c1', ContractID: 'k1' },
      'ev-1',
    );
    const result = toAuditRecord(
      'billwerk.invoice.v1',
      2,
      message(value, { ce_id: 'ev-1' }),
      recordedAt,
    );
    expect(result).toEqual({
      ok: true,
      record: expect.objectContaining({
        eventId: 'ev-1',
        type: 'billwerk.DunningCreated',
        source: 'billwerk/default',
        contractId: 'k1',
        customerId: 'c1',
        topic: 'billwerk.invoice.v1',
        partition: 2,
        offset: '41',
        kafkaTimestamp: '2026-03-01T09:59:59.000Z',
        recordedAt: '2026-03-01T10:00:00.000Z',
        retryCount: 0,
        headers: { ce_id: 'ev-1' },
        data: { Event: 'DunningCreated', DunningId: 'd1', CustomerId: 'c1', ContractID: 'k1' },
      }),
    });
  });

  it('falls back to the Kafka timestamp and no subject for minimal CloudEvents', () => {
    const value = JSON.stringify({ specversion: '1.0', id: 'r1', source: 'retention', type: 'x' });
    const result = toAuditRecord('retention.actions.v1', 0, message(value), recordedAt);
    expect(result).toEqual({
      ok: true,
      record: expect.objectContaining({
        subject: null,
        data: null,
        receivedAt: '2026-03-01T09:59:59.000Z',
        contractId: null,
        customerId: null,
      }),
    });
  });

  it.each([
    [null, 'value is empty'],
    ['not json', 'value is not JSON'],
    ['[1,2]', 'value is not a JSON object'],
    ['{"Event":"ContractChanged"}', 'specversion must be "1.0"'],
    ['{"specversion":"1.0","source":"s","type":"t"}', 'id must be a non-empty string'],
    ['{"specversion":"1.0","id":"i","source":"s","type":"t","time":"yesterday"}', 'time must be'],
    ['{"specversion":"1.0","id":"i","source":"s","type":"t","retrycount":1e12}', 'retrycount must'],
    ['{"specversion":"1.0","id":"i","source":"s","type":"t","subject":5}', 'subject must be'],
    ['{"specversion":"1.0","id":"i","source":"s","type":"t","data":{"a":"\\u0000"}}', 'NUL'],
    ['{"specversion":"1.0","id":"i","source":"s","type":"t","data":{"a":"\\ud800"}}', 'surrogate'],
  ])('rejects %s', (value, problem) => {
    const result = toAuditRecord('billwerk.contract.v1', 0, message(value), recordedAt);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain(problem);
  });
});
