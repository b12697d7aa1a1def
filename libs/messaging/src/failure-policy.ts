/**
 * How a consumer treats a failed record:
 * - `deterministic`: the same record fails the same way every time (a stack overflow, a value no
 *   column accepts, a payload that does not validate). Retrying cannot help; after a bounded
 *   number of attempts the record goes to the dead-letter topic and the partition moves on.
 * - `transient`: the world is at fault, not the record (a database or broker away, a timeout, a
 *   serialisation conflict). The record is retried until it succeeds, with consumption paused.
 * - `unknown`: neither can be told from the error. The runner settles it with its health probe:
 *   a failing probe makes it transient; a passing one counts the failure as one deterministic
 *   attempt (so an unknown error can never block a partition for good, and can never send a
 *   record to the dead-letter topic while the database is down).
 */
export type FailureKind = 'deterministic' | 'transient' | 'unknown';

export interface Classification {
  kind: FailureKind;
  /** Stable code for logs, metrics and the `dlq-error-code` header. */
  code: string;
}

/**
 * Thrown by a handler for a record that can never be processed (it failed validation, it is too
 * large or too deep). `code` becomes the dead-letter's `dlq-error-code`.
 */
export class PoisonRecordError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PoisonRecordError';
  }
}

/**
 * Thrown by a handler when something it needs besides the record failed (a write the record's
 * processing ends with, such as a checkpoint): always transient, whatever the cause says, so the
 * record is retried and never dead-lettered for it.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

export interface FailurePolicyOptions {
  /**
   * Unique constraints a handler relies on for idempotency: a violation of one is a concurrent
   * writer that got there first, so retrying (and finding the row) is right. Any other unique
   * violation is deterministic.
   */
  expectedUniqueConstraints?: readonly string[];
}

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ESOCKETTIMEDOUT',
]);

/** SQLite result codes (better-sqlite3 `code`) that a retry can clear. */
const TRANSIENT_SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|PROTOCOL|CANTOPEN)/;
const DETERMINISTIC_SQLITE = /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)/;
/** Postgres SQLSTATE: five characters, digits and upper-case letters. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** node-postgres and pg-pool report lost or impossible connections without a code. */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection (is )?(closed|not open|refused|reset)/i,
  /client has encountered a connection error/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /driver not connected/i,
  /timed? ?out/i,
];

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  constraint?: unknown;
  retriable?: unknown;
  driverError?: unknown;
  cause?: unknown;
  message?: unknown;
}

function classifyPostgres(code: string, constraint: unknown, options: FailurePolicyOptions) {
  const kind = ((): FailureKind | undefined => {
    if (code === '23505') {
      const expected = options.expectedUniqueConstraints ?? [];
      return typeof constraint === 'string' && expected.includes(constraint)
        ? 'transient'
        : 'deterministic';
    }
    // 22: data exceptions (value too long, invalid text); 23: integrity violations.
    if (code.startsWith('22') || code.startsWith('23')) return 'deterministic';
    // 40001 serialisation failure, 40P01 deadlock: the same transaction succeeds when retried.
    if (code === '40001' || code === '40P01') return 'transient';
    // 08: connection exceptions; 53: insufficient resources; 57P: operator intervention
    // (admin shutdown, crash shutdown, cannot connect now); 58: system errors (I/O).
    if (/^(08|53|57P|58)/.test(code)) return 'transient';
    // 57014 query cancelled (statement_timeout): the next attempt may fit.
    if (code === '57014') return 'transient';
    // 42: undefined table or column, insufficient privilege: a schema not migrated or a grant
    // missing. Never the record's fault; dead-lettering would empty the topic into the DLQ, so
    // wait (not ready) until an operator fixes it.
    if (code.startsWith('42')) return 'transient';
    return undefined;
  })();
  return kind === undefined ? undefined : { kind, code };
}

function classifyOne(error: ErrorShape, options: FailurePolicyOptions): Classification | undefined {
  if (error instanceof PoisonRecordError) return { kind: 'deterministic', code: error.code };
  if (error instanceof DependencyUnavailableError) return { kind: 'transient', code: error.code };
  // A stack overflow on a record nested thousands deep, an invalid array length, a bad date.
  if (error instanceof RangeError) return { kind: 'deterministic', code: 'RangeError' };
  // JSON.parse of a value that is not JSON.
  if (error instanceof SyntaxError) return { kind: 'deterministic', code: 'SyntaxError' };
  if (error.name === 'ValidationError' || isValidationErrorList(error)) {
    return { kind: 'deterministic', code: 'VALIDATION' };
  }
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code !== undefined) {
    if (TRANSIENT_NETWORK_CODES.has(code)) return { kind: 'transient', code };
    if (TRANSIENT_SQLITE.test(code)) return { kind: 'transient', code };
    if (DETERMINISTIC_SQLITE.test(code)) return { kind: 'deterministic', code };
    if (SQLSTATE.test(code)) {
      const postgres = classifyPostgres(code, error.constraint, options);
      if (postgres !== undefined) return postgres;
    }
  }
  // KafkaJS marks what its own retries could have cleared (connection, timeout, leader moves).
  if (typeof error.name === 'string' && error.name.startsWith('KafkaJS')) {
    return { kind: error.retriable === false ? 'unknown' : 'transient', code: error.name };
  }
  const message = typeof error.message === 'string' ? error.message : '';
  if (TRANSIENT_MESSAGES.some((pattern) => pattern.test(message))) {
    return { kind: 'transient', code: code ?? 'CONNECTION' };
  }
  return undefined;
}

function isValidationErrorList(error: unknown): boolean {
  return (
    Array.isArray(error) &&
    error.length > 0 &&
    error.every((entry) => (entry as { constraints?: unknown })?.constraints !== undefined)
  );
}

/**
 * Classifies an error, following TypeORM's `driverError` and the standard `cause` chain: the
 * innermost recognisable error decides (a QueryFailedError wraps the driver's error).
 */
export function classifyFailure(
  error: unknown,
  options: FailurePolicyOptions = {},
): Classification {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const shape = current as ErrorShape;
    const driver = shape.driverError;
    if (driver !== null && typeof driver === 'object') {
      const fromDriver = classifyOne(driver, options);
      if (fromDriver !== undefined) return fromDriver;
    }
    const found = classifyOne(shape, options);
    if (found !== undefined) return found;
    current = shape.cause;
  }
  return { kind: 'unknown', code: nameOf(error) };
}

function nameOf(error: unknown): string {
  if (error instanceof Error) return error.name || 'Error';
  return typeof error;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((entry) => String(entry)).join('; ');
  return String(error);
}
