import { classifyFailure, DependencyUnavailableError, PoisonRecordError } from './failure-policy';

function pgError(code: string, constraint?: string): Error {
  // TypeORM's QueryFailedError carries the node-postgres error as driverError.
  return Object.assign(new Error('query failed'), {
    name: 'QueryFailedError',
    driverError: Object.assign(new Error('pg'), { code, constraint }),
  });
}

function overflow(): RangeError {
  const recurse = (n: number): number => recurse(n + 1) + 1;
  try {
    recurse(0);
  } catch (error) {
    return error as RangeError;
  }
  throw new Error('no stack overflow');
}

describe('classifyFailure', () => {
  it.each([
    ['a stack overflow', overflow(), 'RangeError'],
    [
      'JSON that does not parse',
      (() => {
        try {
          JSON.parse('{');
        } catch (e) {
          return e;
        }
      })(),
      'SyntaxError',
    ],
    ['a typed poison error', new PoisonRecordError('TOO_DEEP', 'nested 5000 deep'), 'TOO_DEEP'],
    ['a value too long for its column (22001)', pgError('22001'), '22001'],
    ['invalid text for jsonb (22P02)', pgError('22P02'), '22P02'],
    ['a NOT NULL violation (23502)', pgError('23502'), '23502'],
    ['an unexpected unique violation', pgError('23505', 'other_key'), '23505'],
    [
      'a SQLite constraint',
      Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_NOTNULL' }),
      'SQLITE_CONSTRAINT_NOTNULL',
    ],
    [
      'class-validator errors',
      [{ property: 'id', constraints: { isString: 'id must be a string' } }],
      'VALIDATION',
    ],
  ])('%s is deterministic', (_, error, code) => {
    expect(classifyFailure(error)).toEqual({ kind: 'deterministic', code });
  });

  it.each([
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      'ECONNREFUSED',
    ],
    [
      'connection reset',
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      'ECONNRESET',
    ],
    ['a serialisation failure (40001)', pgError('40001'), '40001'],
    ['too many connections (53300)', pgError('53300'), '53300'],
    ['an admin shutdown (57P01)', pgError('57P01'), '57P01'],
    ['a connection exception (08006)', pgError('08006'), '08006'],
    ['a table not migrated yet (42P01)', pgError('42P01'), '42P01'],
    [
      'SQLITE_BUSY',
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }),
      'SQLITE_BUSY',
    ],
    ['a lost connection', new Error('Connection terminated unexpectedly'), 'CONNECTION'],
    [
      'a dependency unavailable, whatever its cause (a refused, non-retriable Kafka write)',
      new DependencyUnavailableError('CHECKPOINT_WRITE', 'checkpoint not written', {
        cause: Object.assign(new Error('Not authorized'), {
          name: 'KafkaJSProtocolError',
          retriable: false,
        }),
      }),
      'CHECKPOINT_WRITE',
    ],
    ['a pool timeout', new Error('timeout exceeded when trying to connect'), 'CONNECTION'],
    [
      'a KafkaJS connection error',
      Object.assign(new Error('Connection error'), {
        name: 'KafkaJSConnectionError',
        retriable: true,
      }),
      'KafkaJSConnectionError',
    ],
  ])('%s is transient', (_, error, code) => {
    expect(classifyFailure(error)).toEqual({ kind: 'transient', code });
  });

  it('an expected unique violation is transient: a concurrent writer got there first', () => {
    expect(
      classifyFailure(pgError('23505', 'events_id_key'), {
        expectedUniqueConstraints: ['events_id_key'],
      }),
    ).toEqual({ kind: 'transient', code: '23505' });
  });

  it('follows the cause chain', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyFailure(new Error('store failed', { cause })).kind).toBe('transient');
  });

  it('anything else is unknown, named by its class', () => {
    expect(classifyFailure(new TypeError('x is undefined'))).toEqual({
      kind: 'unknown',
      code: 'TypeError',
    });
    expect(classifyFailure(pgError('XX000')).kind).toBe('unknown');
    expect(classifyFailure('a string')).toEqual({ kind: 'unknown', code: 'string' });
  });
});
