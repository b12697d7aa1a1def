import { EVENT_TYPE_PREFIX, EnvelopeParseError, parseBillwerkEvent } from '@app/contracts';
import type { IncomingHook } from '../workflow/hook';
import { UnusableHookError } from '../workflow/workflow-errors';

/** The CloudEvent `time` (when the ingress received the hook); null when unreadable. */
function receivedAt(time: string): Date | null {
  const at = Date.parse(time);
  return Number.isNaN(at) ? null : new Date(at);
}

/**
 * Reads a consumed `billwerk.*.v1` CloudEvent with the contract's own parser; throws
 * UnusableHookError (dead-lettered) naming what is wrong when it is not one.
 */
export function parseHookEnvelope(value: string): IncomingHook {
  try {
    const envelope = parseBillwerkEvent(value);
    return {
      event: envelope.type.slice(EVENT_TYPE_PREFIX.length),
      body: envelope.data,
      envelopeId: envelope.id,
      receivedAt: receivedAt(envelope.time),
    };
  } catch (error) {
    if (error instanceof EnvelopeParseError) throw new UnusableHookError(error.message);
    throw error;
  }
}
