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
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

const SOURCE = '[A-Za-z0-9][A-Za-z0-9_.-]*';
const BASIC_AUTH_LIST = new RegExp(`^${SOURCE}:[^:,]+:[^,]+(,${SOURCE}:[^:,]+:[^,]+)*$`);
const PATH_TOKEN_LIST = new RegExp(`^${SOURCE}:[A-Za-z0-9_.~-]+(,${SOURCE}:[A-Za-z0-9_.~-]+)*$`);

/** The ingress's environment: names here are a contract with operators (README, settings). */
export class IngressEnvironment extends WithKafkaTopics(WithKafkaConnection(class {})) {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IntegerSetting(1, 65535)
  INGRESS_PORT: number = 3000;

  @IsString()
  INGRESS_HOST: string = '0.0.0.0';

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

  @IntegerSetting(100, 9000)
  INGRESS_ACK_TIMEOUT_MS: number = 8000;

  @IntegerSetting(1, 1_000_000)
  INGRESS_MAX_PENDING: number = 20_000;

  @IntegerSetting(0, 100)
  INGRESS_LINGER_MS: number = 0;

  @IntegerSetting(1, 64)
  INGRESS_MAX_IN_FLIGHT: number = 2;

  // Memory bound of the pending queue: 64 KiB hooks would make INGRESS_MAX_PENDING alone 1.3 GB.
  @IntegerSetting(64 * 1024, 4 * 1024 * 1024 * 1024)
  INGRESS_MAX_PENDING_BYTES: number = 64 * 1024 * 1024;

  // Slow clients: Node's defaults (headers 60 s, request 300 s) let a few hosts hold every socket.
  @IntegerSetting(1000, 10_000)
  INGRESS_HEADERS_TIMEOUT_MS: number = 10_000;

  @IntegerSetting(1000, 15_000)
  INGRESS_REQUEST_TIMEOUT_MS: number = 15_000;

  @IntegerSetting(1000, 10_000)
  INGRESS_BODY_TIMEOUT_MS: number = 10_000;

  @IntegerSetting(1000, 60_000)
  INGRESS_KEEP_ALIVE_TIMEOUT_MS: number = 5000;

  @IntegerSetting(1, 100_000)
  INGRESS_MAX_CONNECTIONS: number = 1024;

  @IntegerSetting(0, 1000)
  INGRESS_UNRECOGNIZED_EVENT_LABELS: number = 50;

  @IntegerSetting(500, 60_000)
  INGRESS_READY_CHECK_INTERVAL_MS: number = 5000;

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
  kafka: KafkaClientSettings & KafkaTopicSettings;
  publisher: {
    ackTimeoutMs: number;
    maxPending: number;
    maxPendingBytes: number;
    lingerMs: number;
    maxInFlight: number;
  };
  limits: {
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    bodyTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
    unrecognizedEventLabels: number;
  };
  readyCheckIntervalMs: number;
  logLevel: IngressEnvironment['LOG_LEVEL'];
}

export const INGRESS_CONFIG = Symbol('INGRESS_CONFIG');

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').filter((entry) => entry !== '');
}

/** Shorter secrets can be guessed online; the message names the source, never the secret. */
export const MIN_PRODUCTION_SECRET_LENGTH = 16;

function requireStrongSecrets(basic: BasicCredential[], pathTokens: PathToken[]): void {
  const weak = (entries: Array<{ source: string; secret: string }>): string[] => [
    ...new Set(
      entries
        .filter(({ secret }) => secret.length < MIN_PRODUCTION_SECRET_LENGTH)
        .map(({ source }) => source),
    ),
  ];
  const problems: string[] = [];
  const tokens = weak(pathTokens.map((t) => ({ source: t.source, secret: t.token })));
  if (tokens.length > 0) {
    problems.push(
      `INGRESS_PATH_TOKENS: production mode (NODE_ENV=production) needs tokens of at least ${MIN_PRODUCTION_SECRET_LENGTH} characters (too short for source ${tokens.join(', ')})`,
    );
  }
  const passwords = weak(basic.map((c) => ({ source: c.source, secret: c.password })));
  if (passwords.length > 0) {
    problems.push(
      `INGRESS_BASIC_AUTH: production mode (NODE_ENV=production) needs passwords of at least ${MIN_PRODUCTION_SECRET_LENGTH} characters (too short for source ${passwords.join(', ')})`,
    );
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
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
  if (e.NODE_ENV === 'production') requireStrongSecrets(basic, pathTokens);
  // Node refuses a headers timeout longer than the request timeout.
  if (e.INGRESS_HEADERS_TIMEOUT_MS > e.INGRESS_REQUEST_TIMEOUT_MS) {
    throw new ConfigValidationError([
      'INGRESS_HEADERS_TIMEOUT_MS: must not exceed INGRESS_REQUEST_TIMEOUT_MS',
    ]);
  }
  return {
    production: e.NODE_ENV === 'production',
    http: { host: e.INGRESS_HOST, port: e.INGRESS_PORT },
    auth: { basic, pathTokens },
    kafka: { ...kafkaClientSettings(e), ...kafkaTopicSettings(e) },
    publisher: {
      ackTimeoutMs: e.INGRESS_ACK_TIMEOUT_MS,
      maxPending: e.INGRESS_MAX_PENDING,
      maxPendingBytes: e.INGRESS_MAX_PENDING_BYTES,
      lingerMs: e.INGRESS_LINGER_MS,
      maxInFlight: e.INGRESS_MAX_IN_FLIGHT,
    },
    limits: {
      headersTimeoutMs: e.INGRESS_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.INGRESS_REQUEST_TIMEOUT_MS,
      bodyTimeoutMs: e.INGRESS_BODY_TIMEOUT_MS,
      keepAliveTimeoutMs: e.INGRESS_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.INGRESS_MAX_CONNECTIONS,
      unrecognizedEventLabels: e.INGRESS_UNRECOGNIZED_EVENT_LABELS,
    },
    readyCheckIntervalMs: e.INGRESS_READY_CHECK_INTERVAL_MS,
    logLevel: e.LOG_LEVEL,
  };
}
