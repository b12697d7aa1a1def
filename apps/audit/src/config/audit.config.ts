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
  SettingAlias,
  validateEnvironment,
  WithKafkaConnection,
  WithKafkaTopics,
} from '@app/config';
import type { DatabaseSettings } from '@app/persistence';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import {
  ChainKeyRing,
  DEV_CHAIN_KEY,
  MIN_CHAIN_KEY_LENGTH,
  type ChainKey,
} from '../audit-log/chain-keys';

const TOKEN = '[A-Za-z0-9._~+/=-]{16,}';
const TOKEN_LIST = new RegExp(`^${TOKEN}(,${TOKEN})*$`);
const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;
const KEY_ID = '[A-Za-z0-9._-]{1,64}';
const KEY = `[^\\s,]{${MIN_CHAIN_KEY_LENGTH},}`;
const KEY_LIST = new RegExp(`^${KEY_ID}:${KEY}(,${KEY_ID}:${KEY})*$`);
/** Written where AUDIT_CHAIN_KEY_ID is unset; rows name their key by it. */
const DEFAULT_KEY_ID = 'k1';
const POSTGRES_URL_MESSAGE = { message: 'must be a postgres:// or postgresql:// URL' };

/** What the migration script needs: only the database. */
export class AuditDatabaseEnvironment {
  /** The app's own connection: a role that may only read and append (docs/operations.md). */
  @IsOptional()
  @Matches(POSTGRES_URL, POSTGRES_URL_MESSAGE)
  DATABASE_URL?: string;

  /** The owner's connection, for migrations only; unset: DATABASE_URL's. */
  @IsOptional()
  @Matches(POSTGRES_URL, POSTGRES_URL_MESSAGE)
  AUDIT_MIGRATION_DATABASE_URL?: string;

  /** The role that migrations grant SELECT and INSERT to; unset: no grants. */
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, {
    message: 'must be a PostgreSQL role name of lower-case letters, digits and _ (at most 63)',
  })
  AUDIT_APP_ROLE?: string;

  @IsString()
  AUDIT_SQLITE_PATH: string = '.data/audit.sqlite';

  /** Read under its old name AUDIT_DB_POOL_SIZE too, as every app's pool size is one setting. */
  @SettingAlias('AUDIT_DB_POOL_SIZE')
  @PoolSizeSetting()
  DATABASE_POOL_SIZE: number = 10;

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

  /** `production` needs a chain key and refuses a database role that could rewrite the log. */
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsOptional()
  @Matches(new RegExp(`^${KEY}$`), {
    message: `must be at least ${MIN_CHAIN_KEY_LENGTH} characters without spaces or commas (e.g. openssl rand -base64 48)`,
  })
  AUDIT_CHAIN_KEY?: string;

  @IsOptional()
  @Matches(new RegExp(`^${KEY_ID}$`), {
    message: 'must be 1 to 64 letters, digits, . _ -',
  })
  AUDIT_CHAIN_KEY_ID?: string;

  @IsOptional()
  @Matches(KEY_LIST, {
    message: `must be comma-separated id:key entries (ids: letters, digits, . _ -; keys: at least ${MIN_CHAIN_KEY_LENGTH} characters without spaces or commas)`,
  })
  AUDIT_CHAIN_PREVIOUS_KEYS?: string;

  /** The app verifies its chains this often, for the metrics alerts read; 0: only on request. */
  @IntegerSetting(0, 86_400_000)
  AUDIT_VERIFY_INTERVAL_MS: number = 900_000;
}

/** How migrations connect (the owner role) and whom they grant to. */
export interface AuditMigrationSettings {
  database: DatabaseSettings;
  appRole?: string;
}

export interface AuditConfig {
  production: boolean;
  http: { host: string; port: number };
  apiTokens: string[];
  database: DatabaseSettings;
  migration: AuditMigrationSettings;
  migrateOnStart: boolean;
  kafka: KafkaClientSettings &
    KafkaTopicSettings & {
      groupId: string;
      partitionsConcurrency: number;
    };
  retry: { initialMs: number; maxMs: number };
  /** Attempts of a record failing deterministically before it is dead-lettered. */
  deterministicAttempts: number;
  chain: {
    /** The active key chains new rows; every key verifies the rows that name it. */
    keys: ChainKeyRing;
    /** True when AUDIT_CHAIN_KEY is unset and the published development key is in use. */
    devKey: boolean;
    /** Between scheduled incremental verifies; 0: none. */
    verifyIntervalMs: number;
  };
  logLevel: AuditDatabaseEnvironment['LOG_LEVEL'];
}

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');

function databaseSettings(e: AuditDatabaseEnvironment): DatabaseSettings {
  return { url: e.DATABASE_URL, sqlitePath: e.AUDIT_SQLITE_PATH, poolSize: e.DATABASE_POOL_SIZE };
}

/** Migrations use one connection, the owner's when given, else the app's (SQLite, development). */
function migrationSettings(e: AuditDatabaseEnvironment): AuditMigrationSettings {
  return {
    database: {
      url: e.AUDIT_MIGRATION_DATABASE_URL ?? e.DATABASE_URL,
      sqlitePath: e.AUDIT_SQLITE_PATH,
      poolSize: 1,
    },
    appRole: e.AUDIT_APP_ROLE,
  };
}

function migrationProblems(e: AuditDatabaseEnvironment): string[] {
  return e.AUDIT_APP_ROLE && !(e.AUDIT_MIGRATION_DATABASE_URL ?? e.DATABASE_URL)
    ? [
        'AUDIT_APP_ROLE: needs PostgreSQL (AUDIT_MIGRATION_DATABASE_URL or DATABASE_URL); SQLite has no roles',
      ]
    : [];
}

/** The migration script's settings; throws ConfigValidationError. */
export function loadAuditDatabaseConfig(env: Record<string, string | undefined>): {
  migration: AuditMigrationSettings;
  logLevel: AuditConfig['logLevel'];
} {
  const e = validateEnvironment(AuditDatabaseEnvironment, env);
  const problems = migrationProblems(e);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return { migration: migrationSettings(e), logLevel: e.LOG_LEVEL };
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

function chainKeys(e: AuditEnvironment): AuditConfig['chain'] {
  if (e.AUDIT_CHAIN_KEY === undefined) {
    if (e.NODE_ENV === 'production') {
      throw new ConfigValidationError([
        `AUDIT_CHAIN_KEY: production mode (NODE_ENV=production) needs a key of at least ${MIN_CHAIN_KEY_LENGTH} characters`,
      ]);
    }
    if (e.AUDIT_CHAIN_KEY_ID !== undefined) {
      throw new ConfigValidationError([
        'AUDIT_CHAIN_KEY_ID: names AUDIT_CHAIN_KEY, which is unset',
      ]);
    }
  }
  const active: ChainKey =
    e.AUDIT_CHAIN_KEY === undefined
      ? DEV_CHAIN_KEY
      : { id: e.AUDIT_CHAIN_KEY_ID ?? DEFAULT_KEY_ID, secret: e.AUDIT_CHAIN_KEY };
  const previous = (e.AUDIT_CHAIN_PREVIOUS_KEYS?.split(',') ?? []).map((entry): ChainKey => {
    const colon = entry.indexOf(':');
    return { id: entry.slice(0, colon), secret: entry.slice(colon + 1) };
  });
  const ids = [active.id, ...previous.map((key) => key.id)];
  const twice = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (twice.length > 0) {
    throw new ConfigValidationError([
      `AUDIT_CHAIN_PREVIOUS_KEYS: key id ${[...new Set(twice)].join(', ')} is listed twice (the active key is ${active.id})`,
    ]);
  }
  return {
    keys: new ChainKeyRing(active, previous),
    devKey: e.AUDIT_CHAIN_KEY === undefined,
    verifyIntervalMs: e.AUDIT_VERIFY_INTERVAL_MS,
  };
}

/** Validates the environment and maps it to the typed config; throws ConfigValidationError. */
export function loadAuditConfig(env: Record<string, string | undefined>): AuditConfig {
  const e = validateEnvironment(AuditEnvironment, env);
  const problems = migrationProblems(e);
  if (e.AUDIT_MIGRATION_DATABASE_URL && !e.DATABASE_URL) {
    problems.push(
      'DATABASE_URL: needed with AUDIT_MIGRATION_DATABASE_URL (the app would use SQLite while migrating PostgreSQL)',
    );
  }
  if (e.AUDIT_RETRY_INITIAL_MS > e.AUDIT_RETRY_MAX_MS) {
    problems.push('AUDIT_RETRY_INITIAL_MS: must not exceed AUDIT_RETRY_MAX_MS');
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const chain = chainKeys(e);
  return {
    production: e.NODE_ENV === 'production',
    http: { host: e.AUDIT_HOST, port: e.AUDIT_PORT },
    apiTokens: e.AUDIT_API_TOKENS.split(','),
    database: databaseSettings(e),
    migration: migrationSettings(e),
    migrateOnStart: e.AUDIT_MIGRATE_ON_START === 'true',
    kafka: {
      ...kafkaClientSettings(e),
      ...kafkaTopicSettings(e),
      groupId: e.AUDIT_GROUP_ID,
      partitionsConcurrency: e.AUDIT_PARTITIONS_CONCURRENCY,
    },
    retry: { initialMs: e.AUDIT_RETRY_INITIAL_MS, maxMs: e.AUDIT_RETRY_MAX_MS },
    deterministicAttempts: e.AUDIT_DETERMINISTIC_ATTEMPTS,
    chain,
    logLevel: e.LOG_LEVEL,
  };
}
