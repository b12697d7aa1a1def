/** billwerk ids are MongoDB ObjectIds: 24 hexadecimal characters. */
const BILLWERK_ID = /^[0-9a-fA-F]{24}$/;

export function isBillwerkId(value: unknown): value is string {
  return typeof value === 'string' && BILLWERK_ID.test(value);
}
