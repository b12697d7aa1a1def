import {
  ConfigValidationError,
  IntegerSetting,
  KafkaBrokersSetting,
  type LogLevelName,
  LogLevelSetting,
  validateEnvironment,
} from '@app/config';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

const SOURCE = '[A-Za-z0-9][A-Za-z0-9_.-]*';
const BASIC_AUTH_LIST = new RegExp(`^${SOURCE}:[^:,]+:[^,]+(,${SOURCE}:[^:,]+:[^,]+)*$`);
const PATH_TOKEN_LIST = new RegExp(`^${SOURCE}:[A-Za-z0-9_.~-]+(,${SOURCE}:[A-Za-z0-9_.~-]+)*$`);

/** The ingress's environment: names here are a contract with operators (README, settings). */
export class IngressEnvironment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IntegerSetting(1, 65535)
  INGRESS_PORT: number = 3000;

  @IsString()
  INGRESS_HOST: string = '0.0.0.0';

  @KafkaBrokersSetting()
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  @IsOptional()
  @Matches(BASIC_AUTH_LIST, {
    message: 'must be comma-separated source:user:password entries',
  })
  INGRESS_BASIC_AUTH?: string;

  @IsOptional()
  @Matches(PATH_TOKEN_LIST, {
    message: 'must be comma-separated source:token entries (token: letters, digits, - _ . ~)',
  })
  INGRESS_PATH_TOKENS?: string;

  @IntegerSetting(1, 1000)
  KAFKA_TOPIC_PARTITIONS: number = 3;

  @IntegerSetting(1, 10)
  KAFKA_REPLICATION_FACTOR: number = 1;

  @IntegerSetting(100, 9000)
  INGRESS_ACK_TIMEOUT_MS: number = 8000;

  @IntegerSetting(1, 1_000_000)
  INGRESS_MAX_PENDING: number = 20_000;

  @IntegerSetting(0, 100)
  INGRESS_LINGER_MS: number = 0;

  @IntegerSetting(1, 64)
  INGRESS_MAX_IN_FLIGHT: number = 2;

  @LogLevelSetting()
  LOG_LEVEL: LogLevelName = 'info';
}

export interface BasicCredential {
  source: string;
  user: string;
  password: string;
}

export interface PathToken {
  source: string;
  token: string;
}

export interface IngressConfig {
  production: boolean;
  http: { host: string; port: number };
  auth: { basic: BasicCredential[]; pathTokens: PathToken[] };
  kafka: { brokers: string[]; partitions: number; replicationFactor: number };
  publisher: { ackTimeoutMs: number; maxPending: number; lingerMs: number; maxInFlight: number };
  logLevel: IngressEnvironment['LOG_LEVEL'];
}

export const INGRESS_CONFIG = Symbol('INGRESS_CONFIG');

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').filter((entry) => entry !== '');
}

/** Validates the environment and maps it to the typed config; throws ConfigValidationError. */
export function loadIngressConfig(env: Record<string, string | undefined>): IngressConfig {
  const e = validateEnvironment(IngressEnvironment, env);
  if (e.NODE_ENV === 'production' && !e.INGRESS_BASIC_AUTH && !e.INGRESS_PATH_TOKENS) {
    throw new ConfigValidationError([
      'INGRESS_BASIC_AUTH, INGRESS_PATH_TOKENS: production mode (NODE_ENV=production) needs at least one credential',
    ]);
  }
  const basic = list(e.INGRESS_BASIC_AUTH).map((entry) => {
    const [source, user, ...password] = entry.split(':');
    return { source, user, password: password.join(':') };
  });
  const pathTokens = list(e.INGRESS_PATH_TOKENS).map((entry) => {
    const [source, token] = entry.split(':');
    return { source, token };
  });
  return {
    production: e.NODE_ENV === 'production',
    http: { host: e.INGRESS_HOST, port: e.INGRESS_PORT },
    auth: { basic, pathTokens },
    kafka: {
      brokers: e.KAFKA_BROKERS.split(','),
      partitions: e.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
    },
    publisher: {
      ackTimeoutMs: e.INGRESS_ACK_TIMEOUT_MS,
      maxPending: e.INGRESS_MAX_PENDING,
      lingerMs: e.INGRESS_LINGER_MS,
      maxInFlight: e.INGRESS_MAX_IN_FLIGHT,
    },
    logLevel: e.LOG_LEVEL,
  };
}
