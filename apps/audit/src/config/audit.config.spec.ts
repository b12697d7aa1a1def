import 'reflect-metadata';
import { ConfigValidationError } from '@app/config';
import { ChainKeyRing, DEV_CHAIN_KEY } from '../audit-log/chain-keys';
import { loadAuditConfig, loadAuditDatabaseConfig, loadAuditReplayConfig } from './audit.config';

const TOKENS = 'first-token-0123456789,second-token-0123456789';
const KEY = 'a-chain-key-of-forty-characters-0123456';
const OLD_KEY = 'the-retired-chain-key-of-forty-chars-012';

describe('loadAuditConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadAuditConfig({ AUDIT_API_TOKENS: TOKENS });
    expect(config).toEqual({
      production: false,
      http: { host: '0.0.0.0', port: 3002 },
      apiTokens: ['first-token-0123456789', 'second-token-0123456789'],
      database: { url: undefined, sqlitePath: '.data/audit.sqlite', poolSize: 10 },
      migration: {
        database: { url: undefined, sqlitePath: '.data/audit.sqlite', poolSize: 1 },
        appRole: undefined,
      },
      migrateOnStart: true,
      kafka: {
        brokers: ['127.0.0.1:9092'],
        security: {},
        groupId: 'billwerk-audit',
        partitions: 3,
        replicationFactor: undefined,
        partitionsConcurrency: 3,
      },
      retry: { initialMs: 200, maxMs: 30000 },
      deterministicAttempts: 3,
      chain: { keys: new ChainKeyRing(DEV_CHAIN_KEY), devKey: true, verifyIntervalMs: 900_000 },
      logLevel: 'info',
    });
  });

  it('chains with AUDIT_CHAIN_KEY under its id and verifies with the previous keys too', () => {
    const { chain } = loadAuditConfig({
      AUDIT_API_TOKENS: TOKENS,
      NODE_ENV: 'production',
      AUDIT_CHAIN_KEY: KEY,
      AUDIT_CHAIN_KEY_ID: '2026-02',
      AUDIT_CHAIN_PREVIOUS_KEYS: `k1:${OLD_KEY},dev:${DEV_CHAIN_KEY.secret}`,
    });
    expect(chain.devKey).toBe(false);
    expect(chain.keys.active).toEqual({ id: '2026-02', secret: KEY });
    expect(chain.keys.ids).toEqual(['2026-02', 'k1', 'dev']);
    expect(chain.keys.secret('k1')?.toString()).toBe(OLD_KEY);
    expect(
      loadAuditConfig({ AUDIT_API_TOKENS: TOKENS, AUDIT_CHAIN_KEY: KEY }).chain.keys.active.id,
    ).toBe('k1');
  });

  it('reads DATABASE_POOL_SIZE, and AUDIT_DB_POOL_SIZE as its documented old name', () => {
    const pool = (env: Record<string, string>) =>
      loadAuditConfig({ AUDIT_API_TOKENS: TOKENS, ...env }).database.poolSize;
    expect(pool({ DATABASE_POOL_SIZE: '20' })).toBe(20);
    expect(pool({ AUDIT_DB_POOL_SIZE: '30' })).toBe(30);
    expect(() => pool({ AUDIT_DB_POOL_SIZE: '500' })).toThrow(
      'AUDIT_DB_POOL_SIZE: must not be greater than 100 (got "500")',
    );
    expect(() => pool({ DATABASE_POOL_SIZE: '20', AUDIT_DB_POOL_SIZE: '30' })).toThrow(
      /DATABASE_POOL_SIZE: set twice, also under its old name AUDIT_DB_POOL_SIZE/,
    );
  });

  it('reads every setting', () => {
    const config = loadAuditConfig({
      AUDIT_API_TOKENS: TOKENS,
      AUDIT_PORT: '4000',
      DATABASE_URL: 'postgres://audit@db:5432/audit',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      AUDIT_GROUP_ID: 'audit-2',
      AUDIT_MIGRATE_ON_START: 'false',
      AUDIT_RETRY_INITIAL_MS: '50',
      AUDIT_RETRY_MAX_MS: '1000',
      AUDIT_DETERMINISTIC_ATTEMPTS: '5',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'audit',
      KAFKA_SASL_PASSWORD: 'audit-kafka-password',
      KAFKA_REPLICATION_FACTOR: '2',
      AUDIT_VERIFY_INTERVAL_MS: '0',
    });
    expect(config.chain.verifyIntervalMs).toBe(0);
    expect(config.kafka.security.sasl).toEqual({
      mechanism: 'scram-sha-256',
      username: 'audit',
      password: 'audit-kafka-password',
    });
    expect(config.kafka.replicationFactor).toBe(2);
    expect(config.deterministicAttempts).toBe(5);
    expect(config.http.port).toBe(4000);
    expect(config.database.url).toBe('postgres://audit@db:5432/audit');
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.kafka.groupId).toBe('audit-2');
    expect(config.migrateOnStart).toBe(false);
    expect(config.retry).toEqual({ initialMs: 50, maxMs: 1000 });
  });

  it('migrates as the owner URL when given, else as the app', () => {
    const app = 'postgres://audit_app:pw@db:5432/audit';
    const owner = 'postgres://audit_owner:pw@db:5432/audit';
    const config = loadAuditConfig({
      AUDIT_API_TOKENS: TOKENS,
      NODE_ENV: 'production',
      AUDIT_CHAIN_KEY: KEY,
      DATABASE_URL: app,
      AUDIT_MIGRATION_DATABASE_URL: owner,
      AUDIT_APP_ROLE: 'audit_app',
    });
    expect(config.production).toBe(true);
    expect(config.database.url).toBe(app);
    expect(config.migration).toEqual({
      database: { url: owner, sqlitePath: '.data/audit.sqlite', poolSize: 1 },
      appRole: 'audit_app',
    });
    expect(loadAuditConfig({ AUDIT_API_TOKENS: TOKENS, DATABASE_URL: app }).migration).toEqual({
      database: { url: app, sqlitePath: '.data/audit.sqlite', poolSize: 1 },
      appRole: undefined,
    });
  });

  it.each([
    [{}, /^AUDIT_API_TOKENS: must be comma-separated bearer tokens/],
    [{ AUDIT_API_TOKENS: 'short' }, /^AUDIT_API_TOKENS: .*\(got a value that is not shown\)$/],
    [{ AUDIT_API_TOKENS: TOKENS, AUDIT_PORT: '70000' }, /^AUDIT_PORT: /],
    [{ AUDIT_API_TOKENS: TOKENS, DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: must be a postgres/],
    [{ AUDIT_API_TOKENS: TOKENS, KAFKA_BROKERS: 'nohost' }, /^KAFKA_BROKERS: /],
    [{ AUDIT_API_TOKENS: TOKENS, AUDIT_MIGRATE_ON_START: 'yes' }, /^AUDIT_MIGRATE_ON_START: /],
    [{ AUDIT_API_TOKENS: TOKENS, NODE_ENV: 'prod' }, /^NODE_ENV: /],
    [
      { AUDIT_API_TOKENS: TOKENS, AUDIT_MIGRATION_DATABASE_URL: 'mysql://x' },
      /^AUDIT_MIGRATION_DATABASE_URL: must be a postgres/,
    ],
    [
      { AUDIT_API_TOKENS: TOKENS, AUDIT_MIGRATION_DATABASE_URL: 'postgres://owner@db/audit' },
      /^DATABASE_URL: needed with AUDIT_MIGRATION_DATABASE_URL /,
    ],
    [
      { AUDIT_API_TOKENS: TOKENS, DATABASE_URL: 'postgres://a@db/audit', AUDIT_APP_ROLE: 'App' },
      /^AUDIT_APP_ROLE: must be a PostgreSQL role name/,
    ],
    [
      { AUDIT_API_TOKENS: TOKENS, AUDIT_APP_ROLE: 'audit_app' },
      /^AUDIT_APP_ROLE: needs PostgreSQL .*SQLite has no roles$/,
    ],
    [
      { AUDIT_API_TOKENS: TOKENS, AUDIT_DETERMINISTIC_ATTEMPTS: '0' },
      /^AUDIT_DETERMINISTIC_ATTEMPTS: /,
    ],
    [
      { AUDIT_API_TOKENS: TOKENS, AUDIT_RETRY_INITIAL_MS: '5000', AUDIT_RETRY_MAX_MS: '1000' },
      /^AUDIT_RETRY_INITIAL_MS: must not exceed AUDIT_RETRY_MAX_MS$/,
    ],
    [
      { AUDIT_API_TOKENS: TOKENS, NODE_ENV: 'production' },
      /^AUDIT_CHAIN_KEY: production mode \(NODE_ENV=production\) needs a key of at least 32/,
    ],
    [
      { AUDIT_API_TOKENS: TOKENS, AUDIT_CHAIN_KEY: 'short-key' },
      /^AUDIT_CHAIN_KEY: must be at least 32 characters .*\(got a value that is not shown\)$/,
    ],
    [
      { AUDIT_API_TOKENS: TOKENS, AUDIT_CHAIN_KEY_ID: 'k2' },
      /^AUDIT_CHAIN_KEY_ID: names AUDIT_CHAIN_KEY, which is unset$/,
    ],
    [
      { AUDIT_API_TOKENS: TOKENS, AUDIT_CHAIN_KEY: KEY, AUDIT_CHAIN_PREVIOUS_KEYS: 'k0:short' },
      /^AUDIT_CHAIN_PREVIOUS_KEYS: must be comma-separated id:key .*not shown\)$/,
    ],
    [
      {
        AUDIT_API_TOKENS: TOKENS,
        AUDIT_CHAIN_KEY: KEY,
        AUDIT_CHAIN_PREVIOUS_KEYS: `k1:${OLD_KEY}`,
      },
      /^AUDIT_CHAIN_PREVIOUS_KEYS: key id k1 is listed twice \(the active key is k1\)$/,
    ],
    [{ AUDIT_API_TOKENS: TOKENS, AUDIT_VERIFY_INTERVAL_MS: '-1' }, /^AUDIT_VERIFY_INTERVAL_MS: /],
  ])('rejects %p with one line naming the setting', (env, line) => {
    try {
      loadAuditConfig(env);
      throw new Error('expected a ConfigValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).problems).toEqual([expect.stringMatching(line)]);
    }
  });

  it('gives the replay tool the same Kafka connection settings, and no topic settings', () => {
    const { kafka } = loadAuditReplayConfig({
      KAFKA_BROKERS: 'k1:9092',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'replay',
      KAFKA_SASL_PASSWORD: 'replay-kafka-password',
    });
    expect(kafka).toEqual({
      brokers: ['k1:9092'],
      security: {
        sasl: { mechanism: 'scram-sha-512', username: 'replay', password: 'replay-kafka-password' },
      },
    });
  });

  it('lets the migration script run without API settings', () => {
    expect(loadAuditDatabaseConfig({ AUDIT_SQLITE_PATH: '/tmp/a.sqlite' }).migration).toEqual({
      database: { url: undefined, sqlitePath: '/tmp/a.sqlite', poolSize: 1 },
      appRole: undefined,
    });
  });

  it('lets the migration script run with the owner URL alone', () => {
    const owner = 'postgres://audit_owner:pw@db:5432/audit';
    expect(
      loadAuditDatabaseConfig({ AUDIT_MIGRATION_DATABASE_URL: owner, AUDIT_APP_ROLE: 'audit_app' })
        .migration,
    ).toEqual({
      database: { url: owner, sqlitePath: '.data/audit.sqlite', poolSize: 1 },
      appRole: 'audit_app',
    });
    expect(() => loadAuditDatabaseConfig({ AUDIT_APP_ROLE: 'audit_app' })).toThrow(
      /AUDIT_APP_ROLE: needs PostgreSQL/,
    );
  });
});
