import { BillwerkApiError, BillwerkUnauthorizedError } from '@app/billwerk-api';

/** A hook that can never be processed (not a CloudEvent, an id missing): it goes to the DLQ. */
export class UnusableHookError extends Error {
  readonly code = 'HOOK_UNUSABLE';
}

export type FailureClass = 'transient' | 'permanent';

/**
 * How a billwerk failure is handled. Refused credentials count as transient: they are fixed by
 * an operator, after which the parked hooks succeed; dead-lettering them all would lose them.
 */
export function classifyBillwerkError(error: BillwerkApiError): FailureClass {
  if (error instanceof BillwerkUnauthorizedError) return 'transient';
  return error.transient ? 'transient' : 'permanent';
}
