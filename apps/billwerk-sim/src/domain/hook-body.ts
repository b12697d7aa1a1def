import { BILLWERK_EVENTS, type BillwerkEventName } from '@app/contracts';

type HookValue = string | number | string[];

/** The values of one event's documented fields (all optional, as billwerk's two generations differ). */
export type HookFields<E extends BillwerkEventName> = {
  [F in keyof (typeof BILLWERK_EVENTS)[E]['fields']]?: HookValue;
};

/** A hook body: flat JSON with `Event` first, then the fields in the catalog's documented order. */
export interface HookBody {
  Event: string;
  [field: string]: HookValue;
}

/** Builds a hook exactly as billwerk's catalog documents it; undefined fields are left out. */
export function hookBody<E extends BillwerkEventName>(event: E, fields: HookFields<E>): HookBody {
  const body: HookBody = { Event: event };
  const given = fields as Record<string, HookValue | undefined>;
  for (const name of Object.keys(BILLWERK_EVENTS[event].fields)) {
    const value = given[name];
    if (value !== undefined) body[name] = value;
  }
  return body;
}
