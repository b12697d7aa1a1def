import { PAYMENT_PROBLEM_EVENTS, PAYMENT_RESOLUTION_EVENTS } from '../domain/decisions';
import type { TimelineEntry } from '../persistence/records';
import { UnusableHookError } from './workflow-errors';

/** A billwerk hook as consumed: the event name and body of its CloudEvent. */
export interface IncomingHook {
  event: string;
  body: Readonly<Record<string, unknown>>;
  /** The CloudEvent id, for the timeline. */
  envelopeId: string;
  /** When the ingress received it (CloudEvent `time`); null when unknown. */
  receivedAt: Date | null;
}

export type HookOutcome = { relevant: false } | { relevant: true; summary: string };

export const WIN_BACK_EVENTS: ReadonlySet<string> = new Set([
  'ContractCancelled',
  'ContractChanged',
]);

/** Whether handling `event` asks billwerk for state (erasure and unrelated events do not). */
export function needsBillwerkState(event: string): boolean {
  return (
    WIN_BACK_EVENTS.has(event) ||
    event === 'TrialEndApproaching' ||
    (PAYMENT_PROBLEM_EVENTS as readonly string[]).includes(event) ||
    (PAYMENT_RESOLUTION_EVENTS as readonly string[]).includes(event)
  );
}

/** The first of `names` the body holds as a non-empty string. */
export function idField(
  body: Readonly<Record<string, unknown>>,
  ...names: string[]
): string | undefined {
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

export function requireId(hook: IncomingHook, ...names: string[]): string {
  const id = idField(hook.body, ...names);
  if (!id) throw new UnusableHookError(`${hook.event} hook carries no ${names.join(' or ')}`);
  return id;
}

/** The timeline's record of the hook itself. */
export function hookEntry(hook: IncomingHook): TimelineEntry {
  return { type: 'hook', detail: { event: hook.event, envelopeId: hook.envelopeId } };
}
