import { BILLWERK_EVENTS, type BillwerkEventName, type HookFieldKind } from './event-catalog';
import { UNRECOGNIZED_TOPIC, type BillwerkTopic } from './topics';

export function isKnownEvent(name: string): name is BillwerkEventName {
  return Object.prototype.hasOwnProperty.call(BILLWERK_EVENTS, name);
}

/** The topic a hook goes to: its catalog topic, or `billwerk.unrecognized.v1` for new event names. */
export function topicForEvent(name: string): BillwerkTopic {
  return isKnownEvent(name) ? BILLWERK_EVENTS[name].topic : UNRECOGNIZED_TOPIC;
}

/**
 * Every field name the catalog knows, with its kind. Validation applies to these names whatever
 * the event, so an id field keeps its rules even on an event billwerk has not documented yet.
 */
export const KNOWN_HOOK_FIELDS: ReadonlyMap<string, HookFieldKind> = new Map(
  Object.values(BILLWERK_EVENTS).flatMap((definition) =>
    Object.entries(definition.fields as Record<string, HookFieldKind>),
  ),
);
