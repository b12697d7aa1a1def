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
      kafka: { brokers: ['127.0.0.1:9092'], partitions: 3, replicationFactor: 1 },
      publisher: { ackTimeoutMs: 8000, maxPending: 20000, lingerMs: 0, maxInFlight: 2 },
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
      loadIngressConfig({ NODE_ENV: 'production', INGRESS_PATH_TOKENS: 'p:t' }).production,
    ).toBe(true);
  });

  it('refuses an ack timeout that billwerk would not wait for', () => {
    expect(problems({ INGRESS_ACK_TIMEOUT_MS: '10000' })[0]).toMatch(/^INGRESS_ACK_TIMEOUT_MS:/);
  });
});
