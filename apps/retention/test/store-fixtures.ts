import type { RetentionActionData } from '@app/contracts';
import type { NewAction, NewCase } from '../src/persistence/records';

/** Factories for rows the retention store takes, for specs that write it directly. */

export const CONTRACT = '6560f0c2a9b8d7e6f5a4b3c2';
export const CUSTOMER = '6560f0c2a9b8d7e6f5a4b3c1';

export function newCase(overrides: Partial<NewCase> = {}): NewCase {
  return {
    kind: 'win-back',
    contractId: CONTRACT,
    customerId: CUSTOMER,
    dedupKey: `win-back:${CONTRACT}:2026-12-31`,
    reason: 'ContractCancelled',
    endDate: '2026-12-31T00:00:00.000Z',
    planVariantId: null,
    offerDiscountId: null,
    contact: { name: 'Anna Schmidt', email: 'anna.schmidt@example.com', locale: 'de-DE' },
    openedAt: '2026-11-25T12:00:00.000Z',
    ...overrides,
  };
}

export function newAction(
  caseId: string,
  dueAt: string,
  overrides: Partial<RetentionActionData> = {},
): NewAction {
  const data: RetentionActionData = {
    action: 'WinBackOfferRequested',
    caseId,
    caseKind: 'win-back',
    reason: 'ContractCancelled',
    contractId: CONTRACT,
    customerId: CUSTOMER,
    planVariantId: null,
    offer: null,
    endDate: '2026-12-31T00:00:00.000Z',
    dueAt,
    contact: { name: 'Anna Schmidt', email: 'anna.schmidt@example.com', locale: 'de-DE' },
    ...overrides,
  };
  return {
    actionKey: `${data.action}:${caseId}:${data.reason}:${dueAt}`,
    caseId,
    contractId: data.contractId,
    data,
    createdAt: dueAt,
  };
}
