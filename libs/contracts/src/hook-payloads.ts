import type { BILLWERK_EVENTS, BillwerkEventName, HookFieldKind } from './event-catalog';

type FieldType<K extends HookFieldKind> = K extends 'id-list'
  ? string[]
  : K extends 'integer' | 'decimal'
    ? number
    : string;

/**
 * The `data` of a billwerk event, typed from the catalog. Every field but `Event` is optional:
 * the older payload generation carries only one id, and billwerk may add fields at any time.
 */
export type BillwerkHookPayload<E extends BillwerkEventName> = { Event: E } & {
  -readonly [F in keyof (typeof BILLWERK_EVENTS)[E]['fields']]?: FieldType<
    (typeof BILLWERK_EVENTS)[E]['fields'][F] & HookFieldKind
  >;
} & Record<string, unknown>;
