import type { AuditPosition } from './audit-log.repository';
import { InvalidParametersError } from './audit-log.errors';

type Order = 'asc' | 'desc';

interface CursorContent {
  r: string;
  s: string;
  o: Order;
}

/** An opaque page cursor: the last row's (receivedAt, seq) and the order it belongs to. */
export function encodeCursor(position: AuditPosition, order: Order): string {
  const content: CursorContent = { r: position.receivedAt, s: position.seq, o: order };
  return Buffer.from(JSON.stringify(content)).toString('base64url');
}

export function decodeCursor(cursor: string, order: Order): AuditPosition {
  let content: Partial<CursorContent>;
  try {
    content = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorContent;
  } catch {
    content = {};
  }
  if (
    typeof content.r !== 'string' ||
    Number.isNaN(Date.parse(content.r)) ||
    typeof content.s !== 'string' ||
    !/^\d{1,18}$/.test(content.s)
  ) {
    throw new InvalidParametersError([
      { parameter: 'cursor', problem: 'is not a cursor this API issued' },
    ]);
  }
  if (content.o !== order) {
    throw new InvalidParametersError([
      { parameter: 'cursor', problem: `was issued for order=${content.o}, not order=${order}` },
    ]);
  }
  return { receivedAt: content.r, seq: content.s };
}
