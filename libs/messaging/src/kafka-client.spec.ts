import { kafkaPrincipal, kafkaSecurityConfig } from './kafka-client';

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
