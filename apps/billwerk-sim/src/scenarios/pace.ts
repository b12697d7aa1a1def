/** The longest pause between two steps: a scenario is for watching, not for waiting. */
export const MAX_PACE_MS = 60_000;

export const PACE_PATTERN = /^\s*(\d+(?:\.\d+)?)(ms|s)?\s*$/;

/**
 * A pace as written on the command line or in a request: `2s`, `500ms`, or a bare number of
 * milliseconds (`0` plays every step at once). Returns the milliseconds, or undefined when the
 * text is not a pace from 0 to one minute.
 */
export function parsePace(text: string): number | undefined {
  const match = PACE_PATTERN.exec(text);
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * (match[2] === 's' ? 1000 : 1));
  return ms <= MAX_PACE_MS ? ms : undefined;
}

export const PACE_PROBLEM = 'must be a duration from 0 to 60s, like 2s, 500ms or 0';
