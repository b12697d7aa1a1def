import { KNOWN_HOOK_FIELDS } from './event-routing';

/** Fields that name the aggregate a hook is about, strongest first. */
const AGGREGATE_FIELDS = ['ContractId', 'ContractID', 'CustomerId'] as const;

/** Fields that never identify the hook's own subject (shared account id, change records, …). */
const NOT_SUBJECT_FIELDS = new Set(['EntityId']);

/** A hook's own id fields, in the order the catalog lists them (PaymentTransactionId, InvoiceId, …). */
const OWN_ID_FIELDS = [...KNOWN_HOOK_FIELDS.entries()]
  .filter(([name, kind]) => kind === 'id' && !NOT_SUBJECT_FIELDS.has(name))
  .map(([name]) => name)
  .filter((name) => !(AGGREGATE_FIELDS as readonly string[]).includes(name));

/**
 * The Kafka key (and CloudEvents `subject`) of a hook: the contract when there is one, so all of
 * one contract's events share a partition and stay ordered; else the customer; else the hook's own
 * id; else `fallback` (the event id) for hooks that carry no id at all.
 */
export function hookKey(body: Readonly<Record<string, unknown>>, fallback: string): string {
  for (const field of AGGREGATE_FIELDS) {
    const value = body[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  for (const field of OWN_ID_FIELDS) {
    const value = body[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return fallback;
}
