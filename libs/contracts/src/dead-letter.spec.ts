import {
  buildDeadLetter,
  DEAD_LETTER_HEADERS,
  DeadLetterFormatError,
  MAX_DEAD_LETTER_VALUE_BYTES,
  parseDeadLetterHeaders,
} from './dead-letter';

const info = {
  error: 'Maximum call stack size exceeded',
  errorCode: 'RangeError',
  originTopic: 'billwerk.contract.v1',
  originPartition: 2,
  originOffset: '41',
  consumerGroup: 'billwerk-audit',
  attempts: 3,
  failedAt: new Date('2026-12-03T06:00:00.000Z'),
};

describe('dead-letter format', () => {
  it('keeps key, value and headers and adds every dlq-* header, which parse back', () => {
    const letter = buildDeadLetter(
      {
        key: Buffer.from('k'),
        value: Buffer.from('{"a":1}'),
        headers: { trace: Buffer.from('t'), 'dlq-error': 'old' },
      },
      info,
    );
    expect(letter.key?.toString()).toBe('k');
    expect(letter.value.toString()).toBe('{"a":1}');
    expect(letter.headers).toEqual({
      trace: 't',
      'dlq-error': info.error,
      'dlq-error-code': 'RangeError',
      'dlq-origin-topic': 'billwerk.contract.v1',
      'dlq-origin-partition': '2',
      'dlq-origin-offset': '41',
      'dlq-consumer-group': 'billwerk-audit',
      'dlq-attempts': '3',
      'dlq-failed-at': '2026-12-03T06:00:00.000Z',
    });
    expect(parseDeadLetterHeaders(letter.headers)).toEqual(info);
  });

  it('cuts an over-long value and says how long it was', () => {
    const value = Buffer.alloc(MAX_DEAD_LETTER_VALUE_BYTES + 10, 'x');
    const letter = buildDeadLetter({ key: null, value }, info);
    expect(letter.value.length).toBe(MAX_DEAD_LETTER_VALUE_BYTES);
    expect(letter.headers[DEAD_LETTER_HEADERS.valueTruncatedFromBytes]).toBe(String(value.length));
    expect(parseDeadLetterHeaders(letter.headers).valueTruncatedFromBytes).toBe(value.length);
  });

  it('refuses headers that are not a dead letter', () => {
    expect(() => parseDeadLetterHeaders({ 'dlq-error': 'x' })).toThrow(DeadLetterFormatError);
    const letter = buildDeadLetter({ key: null, value: null }, info);
    expect(() => parseDeadLetterHeaders({ ...letter.headers, 'dlq-attempts': 'many' })).toThrow(
      DeadLetterFormatError,
    );
  });
});
