import { randomFillSync } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

// One entropy draw serves many hooks: a syscall-backed draw per hook shows up under load.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += bytes;
  return pool.toString('hex', offset - bytes, offset);
}

/** W3C forbids all-zero ids; 2^-64 per span, but a zero id would break every trace viewer. */
function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomHex(bytes);
    if (!/^0+$/.test(hex)) return hex;
  }
}

/**
 * The W3C `traceparent` for the published event: the caller's trace continued with a new span
 * of ours, or a new trace when the caller sent none (billwerk sends none).
 */
export function childTraceparent(incoming: string | undefined): string {
  const match = incoming === undefined ? null : TRACEPARENT.exec(incoming.trim());
  const span = nonZeroHex(8);
  if (match && !/^0+$/.test(match[1])) return `00-${match[1]}-${span}-${match[3]}`;
  return `00-${nonZeroHex(16)}-${span}-01`;
}
