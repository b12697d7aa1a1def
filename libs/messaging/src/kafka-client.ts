import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import { errorMessage } from './failure-policy';

export const SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512', 'plain'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** How the client authenticates and encrypts; empty means PLAINTEXT without SASL. */
export interface KafkaSecurity {
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  /** TLS to every broker; `ca` (PEM) replaces Node's trusted CAs when given. */
  ssl?: { ca?: string };
}

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  security?: KafkaSecurity;
  /** Per-request timeout; short enough that a dead broker is noticed before billwerk gives up. */
  requestTimeoutMs?: number;
}

/** The KafkaJS `sasl`/`ssl` options for `security`; every client of the bridge maps it here. */
export function kafkaSecurityConfig(
  security: KafkaSecurity = {},
): Pick<KafkaConfig, 'sasl' | 'ssl'> {
  const { sasl, ssl } = security;
  return {
    // A copy: the three mechanisms take the same fields, which KafkaJS types per mechanism.
    ...(sasl && { sasl: { ...sasl } as SASLOptions }),
    ...(ssl && { ssl: ssl.ca === undefined ? true : { ca: [ssl.ca] } }),
  };
}

/** The principal the brokers' ACLs see for `security` (the broker's name for "no SASL"). */
export function kafkaPrincipal(security: KafkaSecurity = {}): string {
  return `User:${security.sasl?.username ?? 'ANONYMOUS'}`;
}

function closedByBroker(error: unknown): boolean {
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause instanceof Error; depth += 1, cause = cause.cause) {
    if (cause.name === 'KafkaJSConnectionClosedError' || cause.message === 'Closed connection') {
      return true;
    }
  }
  return false;
}

/**
 * A Kafka failure as a line an operator can act on. A broker whose listener wants SASL or TLS
 * just closes the connection of a client that offers neither, and KafkaJS then says only
 * "Closed connection": that gets the likely cause, named by the settings that are missing.
 */
export function kafkaProblem(error: unknown, security: KafkaSecurity = {}): string {
  const message = errorMessage(error);
  if (!closedByBroker(error)) return message;
  const missing = [
    security.sasl
      ? undefined
      : 'SASL (KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD)',
    security.ssl ? undefined : 'TLS (KAFKA_SSL=true)',
  ].filter((setting) => setting !== undefined);
  if (missing.length === 0) return message;
  return `${message} by the broker before it answered: it may require ${missing.join(' or ')}`;
}

/**
 * Limited retries are deliberate: a send must fail within billwerk's 10 s so it retries.
 * AcknowledgedProducer keeps one request in flight per producer and retires a producer after a
 * failed send, which is what keeps the idempotent sequence numbers (and so EoS) intact.
 */
const EXPECTED_WARNINGS = new Set([
  'Limiting retries for the idempotent producer may invalidate EoS guarantees',
]);

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A KafkaJS client whose own log lines join the app's JSON log. */
export function createKafka(options: KafkaConnectionOptions, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...kafkaSecurityConfig(options.security),
    connectionTimeout: 3000,
    requestTimeout: options.requestTimeoutMs ?? 5000,
    // KafkaJS waits 10 s by default: as long as billwerk waits for the whole hook.
    authenticationTimeout: options.requestTimeoutMs ?? 5000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        if (EXPECTED_WARNINGS.has(message)) return;
        kafkaLogger[LEVELS[level] ?? 'info']({ namespace, ...extra }, message);
      },
  });
}
