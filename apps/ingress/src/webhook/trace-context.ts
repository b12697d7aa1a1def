import { randomUUID } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

// randomUUID draws from a cached entropy pool; randomBytes would cost a syscall per hook.
function randomHex32(): string {
  return randomUUID().replace(/-/g, '');
}

/**
 * The W3C `traceparent` for the published event: the caller's trace continued with a new span
 * of ours, or a new trace when the caller sent none (billwerk sends none).
 */
export function childTraceparent(incoming: string | undefined): string {
  const match = incoming === undefined ? null : TRACEPARENT.exec(incoming.trim());
  const span = randomHex32().slice(0, 16);
  if (match && !/^0+$/.test(match[1])) return `00-${match[1]}-${span}-${match[3]}`;
  return `00-${randomHex32()}-${span}-01`;
}
