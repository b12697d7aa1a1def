import { InvalidJsonBodyError } from './hook-errors';

/**
 * Parses a hook body. `__proto__` keys are refused: hooks never carry them, and an object that
 * has one is a prototype-pollution attempt waiting for a careless merge somewhere downstream.
 */
export function parseHookJson(text: string): unknown {
  if (text.trim() === '') throw new InvalidJsonBodyError('the body is empty');
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
