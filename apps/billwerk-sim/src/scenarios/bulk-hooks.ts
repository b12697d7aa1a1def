import { BILLWERK_EVENTS, type BillwerkEventName, type HookFieldKind } from '@app/contracts';
import type { Contract } from '@app/billwerk-api';
import { newBillwerkId } from '../domain/billwerk-ids';

/** Contract-scoped events that bulk mode picks from: state-free notifications a consumer must absorb. */
export const BULK_EVENTS = [
  'ContractChanged',
  'ContractDataChanged',
  'PaymentEscalated',
  'PaymentEscalationReset',
  'PaymentProcessStatusChanged',
  'PaymentDataChanged',
  'InvoiceCreated',
  'RecurringBillingApproaching',
  'CustomerChanged',
] as const satisfies readonly BillwerkEventName[];

const CHANGE_TYPES = ['Upgrade', 'Timebased', 'DiscountSubscriptionChange', 'Resume'];

/** A small seeded generator (mulberry32), so a bulk run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BulkContext {
  contract: Contract;
  externalCustomerId?: string;
  entityId: string;
  now: Date;
  random: () => number;
}

/** Values for every documented field of `event`, taken from the contract where the field names it. */
export function bulkFields(
  event: BillwerkEventName,
  context: BulkContext,
): Record<string, string | number | string[]> {
  const fields: Record<string, string | number | string[]> = {};
  for (const [name, kind] of Object.entries(BILLWERK_EVENTS[event].fields) as Array<
    [string, HookFieldKind]
  >) {
    fields[name] = fieldValue(name, kind, context);
  }
  return fields;
}

function fieldValue(
  name: string,
  kind: HookFieldKind,
  context: BulkContext,
): string | number | string[] {
  switch (name) {
    case 'ContractId':
    case 'ContractID':
      return context.contract.Id;
    case 'CustomerId':
      return context.contract.CustomerId;
    case 'EntityId':
      return context.entityId;
    case 'ExternalCustomerId':
      return context.externalCustomerId ?? 'unknown';
    case 'ContractChangeType':
      return CHANGE_TYPES[Math.floor(context.random() * CHANGE_TYPES.length)];
  }
  switch (kind) {
    case 'id':
      return newBillwerkId();
    case 'id-list':
      return [newBillwerkId()];
    case 'integer':
      return 1 + Math.floor(context.random() * 30);
    case 'decimal':
      return Math.round(context.random() * 10_000) / 100;
    case 'date':
      return context.now.toISOString().slice(0, 10);
    case 'date-time':
      return context.now.toISOString();
    case 'merchant-string':
      return `merchant-${Math.floor(context.random() * 1e6)}`;
    case 'word':
      return 'Simulated';
  }
}
