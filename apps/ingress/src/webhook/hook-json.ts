import { InvalidJsonBodyError } from './hook-errors';

/** billwerk hooks are flat; anything deeper is abuse, and deep values overflow recursive code. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * One pass over the text, before JSON.parse or anything recursive sees it: brackets in strings
 * do not count. Malformed text is left for JSON.parse to name.
 */
function requireShallow(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) {
        throw new InvalidJsonBodyError(`nested deeper than ${MAX_JSON_DEPTH} levels`);
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
}

/**
 * Parses a hook body. `__proto__` keys are refused: hooks never carry them, and an object that
 * has one is a prototype-pollution attempt waiting for a careless merge somewhere downstream.
 */
export function parseHookJson(text: string): unknown {
  if (text.trim() === '') throw new InvalidJsonBodyError('the body is empty');
  requireShallow(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonBodyError((error as Error).message);
  }
  if (hasProtoKey(parsed)) {
    throw new InvalidJsonBodyError('the key "__proto__" is not allowed');
  }
  return parsed;
}

function hasProtoKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true;
  return Object.values(value).some(hasProtoKey);
}
