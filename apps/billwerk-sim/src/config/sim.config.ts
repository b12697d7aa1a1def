import {
  ConfigValidationError,
  IntegerSetting,
  type LogLevelName,
  LogLevelSetting,
  validateEnvironment,
} from '@app/config';
import { IsOptional, IsString, IsUrl, Matches } from 'class-validator';

/** The simulator's environment: names here are a contract with operators (README, settings). */
export class SimEnvironment {
  @IntegerSetting(1, 65535)
  SIM_PORT: number = 3003;

  @IsString()
  SIM_HOST: string = '127.0.0.1';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  SIM_WEBHOOK_URL?: string;

  @IsOptional()
  @Matches(/^[^:]+$/, { message: 'must not contain ":"' })
  SIM_WEBHOOK_USER?: string;

  @IsOptional()
  @IsString()
  SIM_WEBHOOK_PASSWORD?: string;

  @IsString()
  SIM_CLIENT_ID: string = 'billwerk-sim';

  @IsString()
  SIM_CLIENT_SECRET: string = 'billwerk-sim-secret';

  @IntegerSetting(1, 86_400)
  SIM_TOKEN_TTL_SECONDS: number = 3600;

  /** First retry delay; doubles per retry. billwerk's real spacing makes ~12 retries last about two days. */
  @IntegerSetting(0, 3_600_000)
  SIM_RETRY_BASE_MS: number = 45_000;

  @IntegerSetting(0, 50)
  SIM_MAX_RETRIES: number = 12;

  @IntegerSetting(100, 120_000)
  SIM_HOOK_TIMEOUT_MS: number = 10_000;

  @IntegerSetting(1, 1000)
  SIM_HOOK_CONCURRENCY: number = 16;

  @Matches(/^[0-9a-f]{24}$/, { message: 'must be a billwerk id (24 lower-case hex characters)' })
  SIM_ENTITY_ID: string = '5c0b5c6e81c2b40d4c1c2b40';

  @LogLevelSetting()
  LOG_LEVEL: LogLevelName = 'info';
}

export interface WebhookTarget {
  url: string;
  basicAuth?: { user: string; password: string };
}

export interface SimConfig {
  http: { host: string; port: number };
  webhook: {
    /** Absent: hooks are recorded but not sent. */
    target?: WebhookTarget;
    timeoutMs: number;
    retryBaseMs: number;
    maxRetries: number;
    concurrency: number;
  };
  oauth: { clientId: string; clientSecret: string; tokenTtlSeconds: number };
  entityId: string;
  logLevel: SimEnvironment['LOG_LEVEL'];
}

/** Validates the environment and maps it to the typed config; throws ConfigValidationError. */
export function loadSimConfig(env: Record<string, string | undefined>): SimConfig {
  const e = validateEnvironment(SimEnvironment, env);
  const hasUser = e.SIM_WEBHOOK_USER !== undefined && e.SIM_WEBHOOK_USER !== '';
  const hasPassword = e.SIM_WEBHOOK_PASSWORD !== undefined && e.SIM_WEBHOOK_PASSWORD !== '';
  if (hasUser !== hasPassword) {
    throw new ConfigValidationError([
      'SIM_WEBHOOK_USER, SIM_WEBHOOK_PASSWORD: set both for HTTP Basic, or neither',
    ]);
  }
  if (hasUser && !e.SIM_WEBHOOK_URL) {
    throw new ConfigValidationError([
      'SIM_WEBHOOK_URL: needed when SIM_WEBHOOK_USER and SIM_WEBHOOK_PASSWORD are set',
    ]);
  }
  return {
    http: { host: e.SIM_HOST, port: e.SIM_PORT },
    webhook: {
      target: e.SIM_WEBHOOK_URL
        ? {
            url: e.SIM_WEBHOOK_URL,
            basicAuth: hasUser
              ? { user: e.SIM_WEBHOOK_USER as string, password: e.SIM_WEBHOOK_PASSWORD as string }
              : undefined,
          }
        : undefined,
      timeoutMs: e.SIM_HOOK_TIMEOUT_MS,
      retryBaseMs: e.SIM_RETRY_BASE_MS,
      maxRetries: e.SIM_MAX_RETRIES,
      concurrency: e.SIM_HOOK_CONCURRENCY,
    },
    oauth: {
      clientId: e.SIM_CLIENT_ID,
      clientSecret: e.SIM_CLIENT_SECRET,
      tokenTtlSeconds: e.SIM_TOKEN_TTL_SECONDS,
    },
    entityId: e.SIM_ENTITY_ID,
    logLevel: e.LOG_LEVEL,
  };
}
