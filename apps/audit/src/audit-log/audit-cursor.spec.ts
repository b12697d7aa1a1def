import { decodeCursor, encodeCursor } from './audit-cursor';
import { InvalidParametersError } from './audit-log.errors';

describe('page cursors', () => {
  const position = { receivedAt: '2026-01-01T00:00:00.000Z', seq: '42' };

  it('round-trip for the order they were issued for', () => {
    expect(decodeCursor(encodeCursor(position, 'desc'), 'desc')).toEqual(position);
  });

  it.each([
    ['garbage', 'is not a cursor this API issued'],
    [Buffer.from('{"r":"x","s":"1","o":"asc"}').toString('base64url'), 'is not a cursor'],
    [encodeCursor(position, 'desc'), 'was issued for order=desc, not order=asc'],
  ])('reject %s with a message naming the cursor', (cursor, problem) => {
    expect(() => decodeCursor(cursor, 'asc')).toThrow(InvalidParametersError);
    try {
      decodeCursor(cursor, 'asc');
    } catch (error) {
      expect((error as InvalidParametersError).problems).toEqual([
        { parameter: 'cursor', problem: expect.stringContaining(problem) },
      ]);
    }
  });
});
