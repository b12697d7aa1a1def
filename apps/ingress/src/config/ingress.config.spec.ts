import { ConfigValidationError } from '@app/config';
import { loadIngressConfig } from './ingress.config';

function problems(env: Record<string, string>): string[] {
  try {
    loadIngressConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadIngressConfig', () => {
  it('has working defaults for development', () => {
    const config = loadIngressConfig({});
    expect(config).toEqual({
      production: false,
      http: { host: '0.0.0.0', port: 3000 },
      auth: { basic: [], pathTokens: [] },
      kafka: {
        brokers: ['127.0.0.1:9092'],
        security: {},
        partitions: 3,
        replicationFactor: undefined,
      },
      publisher: {
        ackTimeoutMs: 8000,
        maxPending: 20000,
        maxPendingBytes: 64 * 1024 * 1024,
        lingerMs: 0,
        maxInFlight: 2,
      },
      limits: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 15_000,
        bodyTimeoutMs: 10_000,
        keepAliveTimeoutMs: 5000,
        maxConnections: 1024,
        unrecognizedEventLabels: 50,
      },
      readyCheckIntervalMs: 5000,
      logLevel: 'info',
    });
  });

  it('parses credential lists, keeping colons inside passwords', () => {
    const config = loadIngressConfig({
      INGRESS_BASIC_AUTH: 'production:billwerk:pa:ss,sandbox:sb:pw',
      INGRESS_PATH_TOKENS: 'production:tok1,production:tok2',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
      INGRESS_PORT: '8080',
    });
    expect(config.auth.basic).toEqual([
      { source: 'production', user: 'billwerk', password: 'pa:ss' },
      { source: 'sandbox', user: 'sb', password: 'pw' },
    ]);
    expect(config.auth.pathTokens).toEqual([
      { source: 'production', token: 'tok1' },
      { source: 'production', token: 'tok2' },
    ]);
    expect(config.kafka.brokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(config.http.port).toBe(8080);
  });

  it('reads the Kafka security and topic settings every app shares', () => {
    const { kafka } = loadIngressConfig({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'ingress',
      KAFKA_SASL_PASSWORD: 'ingress-kafka-password',
      KAFKA_SSL: 'true',
      KAFKA_REPLICATION_FACTOR: '3',
    });
    expect(kafka.security).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'ingress', password: 'ingress-kafka-password' },
      ssl: {},
    });
    expect(kafka.replicationFactor).toBe(3);
    expect(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'x' })).toEqual([
      'KAFKA_SASL_PASSWORD: is required when KAFKA_SASL_MECHANISM is set (got nothing)',
    ]);
  });

  it('names each bad setting on its own line', () => {
    const lines = problems({
      INGRESS_PORT: 'eighty',
      KAFKA_BROKERS: 'localhost',
      NODE_ENV: 'prod',
    });
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith('INGRESS_PORT:'))).toContain('"eighty"');
    expect(lines.find((l) => l.startsWith('KAFKA_BROKERS:'))).toContain('host:port');
    expect(lines.find((l) => l.startsWith('NODE_ENV:'))).toBeDefined();
  });

  it('never echoes a credential it rejects', () => {
    const [line] = problems({ INGRESS_BASIC_AUTH: 'production-only-secret' });
    expect(line).toMatch(/^INGRESS_BASIC_AUTH:/);
    expect(line).not.toContain('production-only-secret');
  });

  it('refuses production mode without any credential', () => {
    expect(problems({ NODE_ENV: 'production' })[0]).toMatch(
      /production mode .* needs at least one credential/,
    );
    expect(
      loadIngressConfig({ NODE_ENV: 'production', INGRESS_PATH_TOKENS: 'p:0123456789abcdef' })
        .production,
    ).toBe(true);
  });

  it('refuses path tokens and Basic passwords under 16 characters in production mode only', () => {
    const weak = {
      INGRESS_PATH_TOKENS: 'live:0123456789abcdef,sandbox:short-token',
      INGRESS_BASIC_AUTH: 'live:billwerk:fifteen-chars-x',
    };
    expect(problems({ NODE_ENV: 'production', ...weak })).toEqual([
      'INGRESS_PATH_TOKENS: production mode (NODE_ENV=production) needs tokens of at least 16 characters (too short for source sandbox)',
      'INGRESS_BASIC_AUTH: production mode (NODE_ENV=production) needs passwords of at least 16 characters (too short for source live)',
    ]);
    expect(loadIngressConfig(weak).production).toBe(false);
  });

  it('keeps the slow-client timeouts within what billwerk and the contract allow', () => {
    expect(problems({ INGRESS_HEADERS_TIMEOUT_MS: '10001' })[0]).toMatch(
      /^INGRESS_HEADERS_TIMEOUT_MS:/,
    );
    expect(problems({ INGRESS_REQUEST_TIMEOUT_MS: '15001' })[0]).toMatch(
      /^INGRESS_REQUEST_TIMEOUT_MS:/,
    );
    expect(problems({ INGRESS_BODY_TIMEOUT_MS: '10001' })[0]).toMatch(/^INGRESS_BODY_TIMEOUT_MS:/);
  });

  it('refuses an ack timeout that billwerk would not wait for', () => {
    expect(problems({ INGRESS_ACK_TIMEOUT_MS: '10000' })[0]).toMatch(/^INGRESS_ACK_TIMEOUT_MS:/);
  });
});
