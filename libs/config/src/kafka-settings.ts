import { readFileSync } from 'node:fs';
import { SASL_MECHANISMS, type KafkaSecurity, type SaslMechanism } from '@app/messaging';
import { IsIn, IsOptional } from 'class-validator';
import { IntegerSetting, KafkaBrokersSetting, SettingRule } from './settings';
import { validateEnvironment } from './validate-environment';

// TypeScript's mixin pattern requires a constructor type taking any[].
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor = new (...args: any[]) => object;

/** The connection settings every Kafka client of the bridge reads. */
export interface KafkaConnectionVariables {
  KAFKA_BROKERS: string;
  KAFKA_SASL_MECHANISM?: string;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_SSL: string;
  KAFKA_SSL_CA_FILE?: string;
}

export interface KafkaTopicVariables {
  KAFKA_TOPIC_PARTITIONS: number;
  KAFKA_REPLICATION_FACTOR?: number;
}

const given = (value: unknown): boolean => value !== undefined && value !== '';

function mechanismProblem(value: unknown, env: KafkaConnectionVariables): string | undefined {
  if (value === undefined) {
    return given(env.KAFKA_SASL_USERNAME) || given(env.KAFKA_SASL_PASSWORD)
      ? 'is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set'
      : undefined;
  }
  if (!SASL_MECHANISMS.includes(value as SaslMechanism)) {
    return `must be ${SASL_MECHANISMS.join(', ')} (unset: no SASL)`;
  }
  if (value === 'plain' && env.KAFKA_SSL !== 'true') {
    return 'plain sends the password in clear text, so it needs KAFKA_SSL=true';
  }
  return undefined;
}

function credentialProblem(value: unknown, env: KafkaConnectionVariables): string | undefined {
  if (env.KAFKA_SASL_MECHANISM === undefined) return undefined;
  return typeof value === 'string' && value !== ''
    ? undefined
    : 'is required when KAFKA_SASL_MECHANISM is set';
}

function caFileProblem(value: unknown, env: KafkaConnectionVariables): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') return 'must be the path of a PEM file';
  if (env.KAFKA_SSL !== 'true') return 'needs KAFKA_SSL=true';
  let pem: string;
  try {
    pem = readFileSync(value, 'utf8');
  } catch (error) {
    return `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  return pem.includes('-----BEGIN CERTIFICATE-----') ? undefined : 'holds no PEM certificate';
}

/** Adds the Kafka connection settings (brokers, SASL, TLS) to an environment schema. */
export function WithKafkaConnection<TBase extends Constructor>(Base: TBase) {
  class KafkaConnectionEnvironment extends Base implements KafkaConnectionVariables {
    @KafkaBrokersSetting()
    KAFKA_BROKERS: string = '127.0.0.1:9092';

    @SettingRule(mechanismProblem)
    KAFKA_SASL_MECHANISM?: string;

    @SettingRule(credentialProblem)
    KAFKA_SASL_USERNAME?: string;

    @SettingRule(credentialProblem)
    KAFKA_SASL_PASSWORD?: string;

    @IsIn(['true', 'false'])
    KAFKA_SSL: string = 'false';

    @SettingRule(caFileProblem)
    KAFKA_SSL_CA_FILE?: string;
  }
  return KafkaConnectionEnvironment;
}

/** Adds the settings of the topics an app creates when they are missing. */
export function WithKafkaTopics<TBase extends Constructor>(Base: TBase) {
  class KafkaTopicEnvironment extends Base implements KafkaTopicVariables {
    @IntegerSetting(1, 1000)
    KAFKA_TOPIC_PARTITIONS: number = 3;

    @IsOptional()
    @IntegerSetting(1, 10)
    KAFKA_REPLICATION_FACTOR?: number;
  }
  return KafkaTopicEnvironment;
}

/** What a Kafka tool (watch, bench) reads: the connection settings alone. */
export class KafkaClientEnvironment extends WithKafkaConnection(class {}) {}

export interface KafkaClientSettings {
  brokers: string[];
  security: KafkaSecurity;
}

export interface KafkaTopicSettings {
  partitions: number;
  /** Unset: min(3, brokers in the cluster), decided when the topics are created. */
  replicationFactor: number | undefined;
}

/** Maps validated connection settings; the CA file is read here, once validation found it. */
export function kafkaClientSettings(e: KafkaConnectionVariables): KafkaClientSettings {
  const security: KafkaSecurity = {};
  if (e.KAFKA_SASL_MECHANISM !== undefined) {
    security.sasl = {
      mechanism: e.KAFKA_SASL_MECHANISM as SaslMechanism,
      username: e.KAFKA_SASL_USERNAME ?? '',
      password: e.KAFKA_SASL_PASSWORD ?? '',
    };
  }
  if (e.KAFKA_SSL === 'true') {
    security.ssl =
      e.KAFKA_SSL_CA_FILE === undefined ? {} : { ca: readFileSync(e.KAFKA_SSL_CA_FILE, 'utf8') };
  }
  return { brokers: e.KAFKA_BROKERS.split(','), security };
}

export function kafkaTopicSettings(e: KafkaTopicVariables): KafkaTopicSettings {
  return { partitions: e.KAFKA_TOPIC_PARTITIONS, replicationFactor: e.KAFKA_REPLICATION_FACTOR };
}

/** Validates and maps the connection settings alone; throws ConfigValidationError. */
export function loadKafkaClientSettings(
  env: Record<string, string | undefined>,
): KafkaClientSettings {
  return kafkaClientSettings(validateEnvironment(KafkaClientEnvironment, env));
}
