import {
  ConfigValidationError,
  IntegerSetting,
  kafkaClientSettings,
  type KafkaClientSettings,
  kafkaTopicSettings,
  type KafkaTopicSettings,
  type LogLevelName,
  LogLevelSetting,
  validateEnvironment,
  WithKafkaConnection,
  WithKafkaTopics,
} from '@app/config';
import type { DatabaseSettings } from '@app/persistence';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

const TOKEN = '[A-Za-z0-9._~+/=-]{16,}';
const TOKEN_LIST = new RegExp(`^${TOKEN}(,${TOKEN})*$`);
const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;

/** What the migration script needs: only the database. */
export class AuditDatabaseEnvironment {
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  AUDIT_SQLITE_PATH: string = '.data/audit.sqlite';

  @IntegerSetting(1, 100)
  AUDIT_DB_POOL_SIZE: number = 10;

  @LogLevelSetting()
  LOG_LEVEL: LogLevelName = 'info';
}

/** What `npm run replay` needs: the database and the Kafka connection. */
export class AuditReplayEnvironment extends WithKafkaConnection(AuditDatabaseEnvironment) {}

/** The audit app's environment: names here are a contract with operators (README, settings). */
export class AuditEnvironment extends WithKafkaTopics(AuditReplayEnvironment) {
  @IntegerSetting(1, 65535)
  AUDIT_PORT: number = 3002;

  @IsString()
  AUDIT_HOST: string = '0.0.0.0';

  @Matches(TOKEN_LIST, {
    message:
      'must be comma-separated bearer tokens of at least 16 characters (A-Z a-z 0-9 . _ ~ + / = -)',
  })
  AUDIT_API_TOKENS!: string;

  @IsString()
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'must contain letters, digits, . _ - only' })
  AUDIT_GROUP_ID: string = 'billwerk-audit';

  @IntegerSetting(1, 64)
  AUDIT_PARTITIONS_CONCURRENCY: number = 3;

  @IntegerSetting(10, 60_000)
  AUDIT_RETRY_INITIAL_MS: number = 200;

  @IntegerSetting(100, 600_000)
  AUDIT_RETRY_MAX_MS: number = 30_000;

  @IntegerSetting(1, 100)
  AUDIT_DETERMINISTIC_ATTEMPTS: number = 3;

  @IsIn(['true', 'false'])
  AUDIT_MIGRATE_ON_START: string = 'true';
}

export interface AuditConfig {
  http: { host: string; port: number };
  apiTokens: string[];
  database: DatabaseSettings;
  migrateOnStart: boolean;
  kafka: KafkaClientSettings &
    KafkaTopicSettings & {
      groupId: string;
      partitionsConcurrency: number;
    };
  retry: { initialMs: number; maxMs: number };
  /** Attempts of a record failing deterministically before it is dead-lettered. */
  deterministicAttempts: number;
  logLevel: AuditDatabaseEnvironment['LOG_LEVEL'];
}

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

function databaseSettings(e: AuditDatabaseEnvironment): DatabaseSettings {
  return { url: e.DATABASE_URL, sqlitePath: e.AUDIT_SQLITE_PATH, poolSize: e.AUDIT_DB_POOL_SIZE };
}

/** Database settings alone (migration script); throws ConfigValidationError. */
export function loadAuditDatabaseConfig(env: Record<string, string | undefined>): {
  database: DatabaseSettings;
  logLevel: AuditConfig['logLevel'];
} {
  const e = validateEnvironment(AuditDatabaseEnvironment, env);
  return { database: databaseSettings(e), logLevel: e.LOG_LEVEL };
}

/** Database and brokers (replay CLI); throws ConfigValidationError. */
export function loadAuditReplayConfig(env: Record<string, string | undefined>): {
  database: DatabaseSettings;
  kafka: KafkaClientSettings;
  logLevel: AuditConfig['logLevel'];
} {
  const e = validateEnvironment(AuditReplayEnvironment, env);
  return { database: databaseSettings(e), kafka: kafkaClientSettings(e), logLevel: e.LOG_LEVEL };
}

/** Validates the environment and maps it to the typed config; throws ConfigValidationError. */
export function loadAuditConfig(env: Record<string, string | undefined>): AuditConfig {
  const e = validateEnvironment(AuditEnvironment, env);
  if (e.AUDIT_RETRY_INITIAL_MS > e.AUDIT_RETRY_MAX_MS) {
    throw new ConfigValidationError(['AUDIT_RETRY_INITIAL_MS: must not exceed AUDIT_RETRY_MAX_MS']);
  }
  return {
    http: { host: e.AUDIT_HOST, port: e.AUDIT_PORT },
    apiTokens: e.AUDIT_API_TOKENS.split(','),
    database: databaseSettings(e),
    migrateOnStart: e.AUDIT_MIGRATE_ON_START === 'true',
    kafka: {
      ...kafkaClientSettings(e),
      ...kafkaTopicSettings(e),
      groupId: e.AUDIT_GROUP_ID,
      partitionsConcurrency: e.AUDIT_PARTITIONS_CONCURRENCY,
    },
    retry: { initialMs: e.AUDIT_RETRY_INITIAL_MS, maxMs: e.AUDIT_RETRY_MAX_MS },
    deterministicAttempts: e.AUDIT_DETERMINISTIC_ATTEMPTS,
    logLevel: e.LOG_LEVEL,
  };
}
