import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';

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
