import { BILLWERK_EVENTS, type BillwerkEventName } from '@app/contracts';
import { SimInvalidFieldsError } from './sim-errors';

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

/**
 * A hand-written hook (`POST /sim/hooks`), e.g. the older `{Event, ContractId}` generation or an
 * event billwerk has not documented yet: a flat object with a string `Event`.
 */
export function parseRawHook(value: unknown): HookBody {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SimInvalidFieldsError([{ field: 'body', detail: 'must be a JSON object' }]);
  }
  const problems = Object.entries(value).flatMap(([key, field]) =>
    typeof field === 'string' ||
    typeof field === 'number' ||
    (Array.isArray(field) && field.every((item) => typeof item === 'string'))
      ? []
      : [{ field: `body.${key}`, detail: 'must be a string, a number or a list of strings' }],
  );
  const event = (value as { Event?: unknown }).Event;
  if (typeof event !== 'string' || event === '')
    problems.unshift({ field: 'body.Event', detail: 'must be a non-empty string' });
  if (problems.length > 0) throw new SimInvalidFieldsError(problems);
  return value as HookBody;
}

/** The key billwerk orders by: the contract the hook is about, else its customer. */
export function orderingKeyOf(body: HookBody): string {
  const key = body.ContractId ?? body.ContractID ?? body.CustomerId;
  return typeof key === 'string' ? key : 'unkeyed';
}
