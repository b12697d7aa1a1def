import { ConfigValidationError } from '@app/config';
import { loadRetentionConfig, loadRetentionDatabaseConfig } from './retention.config';

const REQUIRED = { BILLWERK_CLIENT_ID: 'client', BILLWERK_CLIENT_SECRET: 'secret' };
const VARIANT = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const DISCOUNT = 'dddddddddddddddddddddddd';

function problems(env: Record<string, string>): string[] {
  try {
    loadRetentionConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadRetentionConfig', () => {
  it('has working defaults beside the billwerk credentials', () => {
    const config = loadRetentionConfig(REQUIRED);
    expect(config.http).toEqual({ host: '0.0.0.0', port: 3001 });
    expect(config.billwerk.baseUrl).toBe('https://sandbox.billwerk.com');
    expect(config.database).toEqual({
      url: undefined,
      sqlitePath: '.data/retention.sqlite',
      poolSize: 10,
    });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.reminderDaysBeforeEnd).toBe(7);
    expect(config.offerRules.offerFor(VARIANT)).toBeNull();
  });

  it('reads the operator settings', () => {
    const config = loadRetentionConfig({
      ...REQUIRED,
      RETENTION_PORT: '4001',
      RETENTION_API_TOKENS: 'token-one-0123456789,token-two-0123456789',
      BILLWERK_API_URL: 'http://127.0.0.1:3003',
      DATABASE_URL: 'postgres://db/retention',
      KAFKA_BROKERS: 'a:9092,b:9092',
      RETENTION_OFFER_RULES: `${VARIANT}=${DISCOUNT}`,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'retention',
      KAFKA_SASL_PASSWORD: 'retention-kafka-password',
    });
    expect(config.kafka.security.sasl?.username).toBe('retention');
    expect(config.http.port).toBe(4001);
    expect(config.apiTokens).toEqual(['token-one-0123456789', 'token-two-0123456789']);
    expect(config.billwerk.baseUrl).toBe('http://127.0.0.1:3003');
    expect(config.database.url).toBe('postgres://db/retention');
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9092']);
    expect(config.offerRules.offerFor(VARIANT)).toEqual({ discountId: DISCOUNT });
  });

  it('names each bad setting on its own line, without echoing secrets', () => {
    expect(problems({ RETENTION_PORT: '0', BILLWERK_CLIENT_SECRET: 'x' })).toEqual([
      'RETENTION_PORT: must not be less than 1 (got "0")',
      'BILLWERK_CLIENT_ID: is required (got nothing)',
    ]);
    expect(problems({ ...REQUIRED, RETENTION_API_TOKENS: 'short' })).toEqual([
      'RETENTION_API_TOKENS: must be comma-separated tokens of at least 16 characters (got a value that is not shown)',
    ]);
  });

  it('rejects bad offer rules with the entry at fault', () => {
    expect(problems({ ...REQUIRED, RETENTION_OFFER_RULES: `${VARIANT}=ten-percent` })).toEqual([
      `RETENTION_OFFER_RULES: entry 1 "${VARIANT}=ten-percent": discount must be a billwerk id or none`,
    ]);
  });

  it('requires API tokens in production and a usable billwerk URL', () => {
    expect(problems({ ...REQUIRED, NODE_ENV: 'production', BILLWERK_API_URL: 'ftp://x' })).toEqual([
      'RETENTION_API_TOKENS: production mode (NODE_ENV=production) needs a token',
      'BILLWERK_API_URL: must be sandbox, production or an http(s) URL',
    ]);
  });
});

describe('loadRetentionDatabaseConfig', () => {
  it('needs no billwerk credentials, so the migration step can run without them', () => {
    expect(
      loadRetentionDatabaseConfig({ DATABASE_URL: 'postgres://db/retention', LOG_LEVEL: 'warn' }),
    ).toEqual({
      database: {
        url: 'postgres://db/retention',
        sqlitePath: '.data/retention.sqlite',
        poolSize: 10,
      },
      logLevel: 'warn',
    });
  });

  it('rejects a database URL that is not postgres', () => {
    expect(() => loadRetentionDatabaseConfig({ DATABASE_URL: 'mysql://db/retention' })).toThrow(
      ConfigValidationError,
    );
  });
});
