import { BILLWERK_EVENTS, type BillwerkEventName, type HookFieldKind } from '@app/contracts';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';

export interface CatalogHook {
  event: BillwerkEventName;
  topic: string;
  body: Record<string, unknown>;
}

/**
 * One hook per catalog event with every documented field filled in. Customer and contract ids
 * are the caller's, so a test can find exactly its own events on a shared broker.
 */
export function catalogHooks(ids: { customerId: string; contractId: string }): CatalogHook[] {
  return (Object.keys(BILLWERK_EVENTS) as BillwerkEventName[]).map((event, index) => {
    const definition = BILLWERK_EVENTS[event];
    const body: Record<string, unknown> = { Event: event };
    for (const [field, kind] of Object.entries(
      definition.fields as Record<string, HookFieldKind>,
    )) {
      body[field] = valueFor(field, kind, index, ids);
    }
    return { event, topic: definition.topic, body };
  });
}

function valueFor(
  field: string,
  kind: HookFieldKind,
  index: number,
  ids: { customerId: string; contractId: string },
): unknown {
  if (field === 'CustomerId') return ids.customerId;
  if (field === 'ContractId' || field === 'ContractID') return ids.contractId;
  switch (kind) {
    case 'id':
      return billwerkId(1000 + index);
    case 'id-list':
      return [billwerkId(2000 + index), billwerkId(3000 + index)];
    case 'merchant-string':
      return `crm-${index} / Müller & Co`;
    case 'word':
      return 'Upgrade';
    case 'integer':
      return 14;
    case 'decimal':
      return 12.5;
    case 'date':
      return '2026-01-31';
    case 'date-time':
      return '2026-01-31T00:00:00.0000000Z';
  }
}
