const LEVEL_COLOURS: Record<string, string> = {
  fatal: '\x1b[41m',
  error: '\x1b[31m',
  warn: '\x1b[33m',
  info: '\x1b[32m',
  debug: '\x1b[90m',
  trace: '\x1b[90m',
};
const RESET = '\x1b[0m';
const HIDDEN = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname', 'component', 'context']);

/** One app's JSON log line as a short human line; anything that is not JSON passes unchanged. */
export function humanLine(line: string, colour: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof record !== 'object' || record === null || !('msg' in record)) return line;
  const level = typeof record.level === 'string' ? record.level : 'info';
  const time = typeof record.time === 'string' ? record.time.slice(11, 19) : '';
  const extras = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const label = colour
    ? `${LEVEL_COLOURS[level] ?? ''}${level.padEnd(5)}${RESET}`
    : level.padEnd(5);
  return `${time} ${label} ${String(record.msg)}${extras ? `  ${extras}` : ''}`;
}
