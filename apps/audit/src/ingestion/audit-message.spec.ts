import { cloudEventJson } from '../../../../test/fixtures/cloud-events';
import { jsonDepthExceeds, MAX_AUDIT_VALUE_BYTES, toAuditRecord } from './audit-message';

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

  it('keeps the value text exactly as consumed, and refuses bytes that are not UTF-8', () => {
    const value = cloudEventJson('PaymentSucceeded', { TransactionNumber: 0 }).replace(
      '"TransactionNumber":0',
      '"TransactionNumber": 12345678901234567890,"Amount":1.50',
    );
    const result = toAuditRecord('billwerk.payment.v1', 0, message(value), recordedAt);
    expect(result).toMatchObject({ ok: true, record: { rawValue: value } });
    const latin1 = { ...message(null), value: Buffer.from('{"a":"Gr\xfc\xdfe"}', 'latin1') };
    expect(toAuditRecord('t', 0, latin1, recordedAt)).toEqual({
      ok: false,
      code: 'NOT_JSON',
      problem: 'value is not UTF-8 text',
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

  it('rejects a value over 1 MiB as TOO_LARGE and one nested over 64 deep as TOO_DEEP, unparsed', () => {
    const large = cloudEventJson('ContractChanged', { Note: 'x'.repeat(MAX_AUDIT_VALUE_BYTES) });
    expect(toAuditRecord('t', 0, message(large), recordedAt)).toMatchObject({
      ok: false,
      code: 'TOO_LARGE',
    });
    const parse = jest.spyOn(JSON, 'parse');
    const deep = `{"specversion":"1.0","data":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(toAuditRecord('t', 0, message(deep), recordedAt)).toMatchObject({
      ok: false,
      code: 'TOO_DEEP',
      problem: 'value is nested deeper than 64',
    });
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
  });

  it('accepts nesting up to 64 deep', () => {
    const data = `${'{"a":'.repeat(63)}1${'}'.repeat(63)}`;
    const value = cloudEventJson('ContractChanged', {}).replace(
      /"data":\{[^}]*\}/,
      `"data":${data}`,
    );
    expect(toAuditRecord('t', 0, message(value), recordedAt).ok).toBe(true);
  });
});

describe('jsonDepthExceeds', () => {
  it.each([
    ['{}', 1, false],
    ['{"a":{}}', 1, true],
    ['[[[]]]', 3, false],
    ['[[[]]]', 2, true],
    // Brackets inside strings, escaped quotes included, do not count.
    ['{"a":"[[[[\\"{{{{"}', 1, false],
    ['["\\\\",[]]', 1, true],
  ])('%s deeper than %d: %s', (text, limit, expected) => {
    expect(jsonDepthExceeds(Buffer.from(text), limit)).toBe(expected);
  });
});
