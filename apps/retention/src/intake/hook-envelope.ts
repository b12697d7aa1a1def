import type { IncomingHook } from '../workflow/hook';
import { UnusableHookError } from '../workflow/workflow-errors';

const TYPE_PREFIX = 'billwerk.';

/** The CloudEvent `time` (when the ingress received the hook); null when absent or unreadable. */
function receivedAt(time: unknown): Date | null {
  if (typeof time !== 'string') return null;
  const at = Date.parse(time);
  return Number.isNaN(at) ? null : new Date(at);
}

/** Reads a consumed `billwerk.*.v1` CloudEvent; throws UnusableHookError when it is not one. */
export function parseHookEnvelope(value: string): IncomingHook {
  let envelope: unknown;
  try {
    envelope = JSON.parse(value);
  } catch {
    throw new UnusableHookError('message value is not JSON');
  }
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
    throw new UnusableHookError('message value is not a JSON object');
  }
  const { id, type, time, data } = envelope as Record<string, unknown>;
  if (typeof type !== 'string' || !type.startsWith(TYPE_PREFIX)) {
    throw new UnusableHookError('CloudEvent type is not billwerk.<Event>');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UnusableHookError('CloudEvent data is not a hook body');
  }
  return {
    event: type.slice(TYPE_PREFIX.length),
    body: data as Record<string, unknown>,
    envelopeId: typeof id === 'string' ? id : '',
    receivedAt: receivedAt(time),
  };
}
