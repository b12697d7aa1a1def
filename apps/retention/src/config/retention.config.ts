import {
  ConfigValidationError,
  IntegerSetting,
  kafkaClientSettings,
  type KafkaClientSettings,
  kafkaTopicSettings,
  type KafkaTopicSettings,
  type LogLevelName,
  LogLevelSetting,
  PoolSizeSetting,
  validateEnvironment,
  WithKafkaConnection,
  WithKafkaTopics,
} from '@app/config';
import { resolveBillwerkBaseUrl } from '@app/billwerk-api';
import type { DatabaseSettings } from '@app/persistence';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches } from 'class-validator';
import { OfferRules, OfferRulesError } from '../domain/offer-rules';

const TOKEN_LIST = /^[A-Za-z0-9_.~+/=-]{16,}(,[A-Za-z0-9_.~+/=-]{16,})*$/;

/** What the migration script needs: only the database (no billwerk credentials). */
export class RetentionDatabaseEnvironment {
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  RETENTION_SQLITE_PATH: string = '.data/retention.sqlite';

  @PoolSizeSetting()
  DATABASE_POOL_SIZE: number = 10;

  @LogLevelSetting()
  LOG_LEVEL: LogLevelName = 'info';
}

/** Retention's environment: names here are a contract with operators (README, settings). */
export class RetentionEnvironment extends WithKafkaTopics(
  WithKafkaConnection(RetentionDatabaseEnvironment),
) {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IntegerSetting(1, 65535)
  RETENTION_PORT: number = 3001;

  @IsString()
  RETENTION_HOST: string = '0.0.0.0';

  @IsOptional()
  @Matches(TOKEN_LIST, { message: 'must be comma-separated tokens of at least 16 characters' })
  RETENTION_API_TOKENS?: string;

  @IsString()
  BILLWERK_API_URL: string = 'sandbox';

  @IsString()
  @IsNotEmpty({ message: 'is required' })
  BILLWERK_CLIENT_ID!: string;

  @IsString()
  @IsNotEmpty({ message: 'is required' })
  BILLWERK_CLIENT_SECRET!: string;

  @IntegerSetting(100, 60_000)
  BILLWERK_TIMEOUT_MS: number = 5000;

  @IntegerSetting(0, 10)
  BILLWERK_MAX_RETRIES: number = 2;

  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'must be letters, digits, . _ -' })
  RETENTION_GROUP_ID: string = 'billwerk-retention';

  @IsIn(['earliest', 'latest'], { message: 'must be earliest or latest' })
  RETENTION_CONSUMER_START: 'earliest' | 'latest' = 'earliest';

  @IntegerSetting(1, 8760)
  RETENTION_STALE_PAYMENT_HOOK_HOURS: number = 24;

  @IsString()
  RETENTION_OFFER_RULES: string = '';

  @IntegerSetting(0, 365)
  RETENTION_REMINDER_DAYS: number = 7;

  @IntegerSetting(10, 60_000)
  RETENTION_RELAY_INTERVAL_MS: number = 1000;

  @IntegerSetting(10, 3_600_000)
  RETENTION_PENDING_RETRY_MS: number = 30_000;

  @IntegerSetting(1, 1000)
  RETENTION_PENDING_MAX_ATTEMPTS: number = 50;
}

export interface RetentionConfig {
  production: boolean;
  http: { host: string; port: number };
  apiTokens: string[];
  billwerk: {
    baseUrl: string;
    clientId: string;
    clientSecret: string;
    timeoutMs: number;
    maxRetries: number;
  };
  database: DatabaseSettings;
  kafka: KafkaClientSettings &
    KafkaTopicSettings & {
      groupId: string;
      /** Where a group without committed offsets starts. */
      start: 'earliest' | 'latest';
    };
  offerRules: OfferRules;
  reminderDaysBeforeEnd: number;
  /** Payment-problem hooks older than this act only on a problem billwerk still shows. */
  stalePaymentHookMs: number;
  relayIntervalMs: number;
  pending: { retryBaseMs: number; maxAttempts: number };
  logLevel: RetentionEnvironment['LOG_LEVEL'];
}

export const RETENTION_CONFIG = Symbol('RETENTION_CONFIG');

function databaseSettings(e: RetentionDatabaseEnvironment): DatabaseSettings {
  return {
    url: e.DATABASE_URL,
    sqlitePath: e.RETENTION_SQLITE_PATH,
    poolSize: e.DATABASE_POOL_SIZE,
  };
}

/** Database settings alone (migration script); throws ConfigValidationError. */
export function loadRetentionDatabaseConfig(env: Record<string, string | undefined>): {
  database: DatabaseSettings;
  logLevel: RetentionConfig['logLevel'];
} {
  const e = validateEnvironment(RetentionDatabaseEnvironment, env);
  return { database: databaseSettings(e), logLevel: e.LOG_LEVEL };
}

/** Validates the environment and maps it to the typed config; throws ConfigValidationError. */
export function loadRetentionConfig(env: Record<string, string | undefined>): RetentionConfig {
  const e = validateEnvironment(RetentionEnvironment, env);
  const problems: string[] = [];
  const apiTokens = (e.RETENTION_API_TOKENS ?? '').split(',').filter((token) => token !== '');
  if (e.NODE_ENV === 'production' && apiTokens.length === 0) {
    problems.push('RETENTION_API_TOKENS: production mode (NODE_ENV=production) needs a token');
  }
  let baseUrl = '';
  try {
    baseUrl = resolveBillwerkBaseUrl(e.BILLWERK_API_URL);
  } catch {
    problems.push('BILLWERK_API_URL: must be sandbox, production or an http(s) URL');
  }
  let offerRules = OfferRules.none;
  try {
    offerRules = OfferRules.parse(e.RETENTION_OFFER_RULES);
  } catch (error) {
    if (!(error instanceof OfferRulesError)) throw error;
    problems.push(`RETENTION_OFFER_RULES: ${error.problem}`);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return {
    production: e.NODE_ENV === 'production',
    http: { host: e.RETENTION_HOST, port: e.RETENTION_PORT },
    apiTokens,
    billwerk: {
      baseUrl,
      clientId: e.BILLWERK_CLIENT_ID,
      clientSecret: e.BILLWERK_CLIENT_SECRET,
      timeoutMs: e.BILLWERK_TIMEOUT_MS,
      maxRetries: e.BILLWERK_MAX_RETRIES,
    },
    database: databaseSettings(e),
    kafka: {
      ...kafkaClientSettings(e),
      ...kafkaTopicSettings(e),
      groupId: e.RETENTION_GROUP_ID,
      start: e.RETENTION_CONSUMER_START,
    },
    offerRules,
    reminderDaysBeforeEnd: e.RETENTION_REMINDER_DAYS,
    stalePaymentHookMs: e.RETENTION_STALE_PAYMENT_HOOK_HOURS * 3_600_000,
    relayIntervalMs: e.RETENTION_RELAY_INTERVAL_MS,
    pending: {
      retryBaseMs: e.RETENTION_PENDING_RETRY_MS,
      maxAttempts: e.RETENTION_PENDING_MAX_ATTEMPTS,
    },
    logLevel: e.LOG_LEVEL,
  };
}
