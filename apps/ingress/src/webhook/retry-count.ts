import { InvalidHookError } from './hook-errors';

/** billwerk's `X-Retry-Count` header: absent on the first attempt, 1 on the first retry. */
export function parseRetryCount(header: string | string[] | undefined): number {
  if (header === undefined) return 0;
  const value = Array.isArray(header) ? header[0] : header;
  if (!/^\d{1,6}$/.test(value.trim())) {
    throw new InvalidHookError([
      { field: 'X-Retry-Count', problem: 'header must be a non-negative integer' },
    ]);
  }
  return Number(value.trim());
}
