import * as kafkajs from 'kafkajs';
import { KafkaJSNonRetriableError } from 'kafkajs';
import { kafkaPrincipal, kafkaProblem, kafkaSecurityConfig } from './kafka-client';

const sasl = { mechanism: 'scram-sha-512', username: 'audit', password: 'pw' } as const;

describe('kafkaSecurityConfig', () => {
  it('leaves a client without security on PLAINTEXT without SASL', () => {
    expect(kafkaSecurityConfig()).toEqual({});
    expect(kafkaSecurityConfig({})).toEqual({});
  });

  it('maps SASL and TLS with or without a CA bundle to KafkaJS options', () => {
    expect(kafkaSecurityConfig({ sasl })).toEqual({ sasl });
    expect(kafkaSecurityConfig({ ssl: {} })).toEqual({ ssl: true });
    expect(kafkaSecurityConfig({ sasl, ssl: { ca: 'PEM' } })).toEqual({
      sasl,
      ssl: { ca: ['PEM'] },
    });
  });

  it('names the principal the ACLs see', () => {
    expect(kafkaPrincipal({ sasl })).toBe('User:audit');
    expect(kafkaPrincipal({ ssl: {} })).toBe('User:ANONYMOUS');
  });
});

// KafkaJS throws it when a broker closes the connection, but leaves it out of its declarations.
const { KafkaJSConnectionClosedError } = kafkajs as unknown as {
  KafkaJSConnectionClosedError: new (message: string) => Error;
};

describe('kafkaProblem', () => {
  const closed = new KafkaJSConnectionClosedError('Closed connection');

  it('names the settings a broker that closed the connection may want', () => {
    expect(kafkaProblem(closed)).toBe(
      'Closed connection by the broker before it answered: it may require SASL (KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD) or TLS (KAFKA_SSL=true)',
    );
    expect(kafkaProblem(new KafkaJSNonRetriableError(closed), { sasl })).toBe(
      'Closed connection by the broker before it answered: it may require TLS (KAFKA_SSL=true)',
    );
  });

  it('leaves every other failure, and a client with both, as KafkaJS says it', () => {
    expect(kafkaProblem(closed, { sasl, ssl: {} })).toBe('Closed connection');
    expect(kafkaProblem(new Error('Connection timeout'))).toBe('Connection timeout');
  });
});
