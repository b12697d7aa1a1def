import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKafkaClientSettings } from './kafka-settings';
import { ConfigValidationError } from './validate-environment';

const PASSWORD = 'kafka-password-never-shown';
const SCRAM = {
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'ingress',
  KAFKA_SASL_PASSWORD: PASSWORD,
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function problems(env: Record<string, string>): string[] {
  try {
    loadKafkaClientSettings(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('Kafka client settings', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'kafka-settings-'));
    writeFileSync(join(folder, 'ca.pem'), PEM);
    writeFileSync(join(folder, 'not-a-ca.txt'), 'hello');
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('defaults to the local broker over PLAINTEXT without SASL', () => {
    expect(loadKafkaClientSettings({})).toEqual({ brokers: ['127.0.0.1:9092'], security: {} });
  });

  it('reads SCRAM credentials and TLS with a CA bundle', () => {
    const settings = loadKafkaClientSettings({
      ...SCRAM,
      KAFKA_BROKERS: 'k1:9093,k2:9093',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: join(folder, 'ca.pem'),
    });
    expect(settings).toEqual({
      brokers: ['k1:9093', 'k2:9093'],
      security: {
        sasl: { mechanism: 'scram-sha-512', username: 'ingress', password: PASSWORD },
        ssl: { ca: PEM },
      },
    });
    expect(loadKafkaClientSettings({ KAFKA_SSL: 'true' }).security).toEqual({ ssl: {} });
  });

  it.each([
    [
      { KAFKA_SASL_MECHANISM: 'scram-sha-256' },
      [
        'KAFKA_SASL_USERNAME: is required when KAFKA_SASL_MECHANISM is set (got nothing)',
        'KAFKA_SASL_PASSWORD: is required when KAFKA_SASL_MECHANISM is set (got nothing)',
      ],
    ],
    [
      { ...SCRAM, KAFKA_SASL_USERNAME: '' },
      ['KAFKA_SASL_USERNAME: is required when KAFKA_SASL_MECHANISM is set (got nothing)'],
    ],
    [
      { KAFKA_SASL_USERNAME: 'ingress', KAFKA_SASL_PASSWORD: PASSWORD },
      [
        'KAFKA_SASL_MECHANISM: is required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set (got nothing)',
      ],
    ],
    [
      { ...SCRAM, KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' },
      [
        'KAFKA_SASL_MECHANISM: must be scram-sha-256, scram-sha-512, plain (unset: no SASL) (got "SCRAM-SHA-512")',
      ],
    ],
    [
      { ...SCRAM, KAFKA_SASL_MECHANISM: 'plain' },
      [
        'KAFKA_SASL_MECHANISM: plain sends the password in clear text, so it needs KAFKA_SSL=true (got "plain")',
      ],
    ],
    [
      { KAFKA_SSL: 'yes' },
      ['KAFKA_SSL: must be one of the following values: true, false (got "yes")'],
    ],
  ])('rejects %p with one line per setting at fault', (env, lines) => {
    expect(problems(env)).toEqual(lines);
  });

  it('accepts PLAIN over TLS', () => {
    expect(
      loadKafkaClientSettings({ ...SCRAM, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SSL: 'true' })
        .security.sasl?.mechanism,
    ).toBe('plain');
  });

  it('refuses a CA file that is missing, not PEM, or set without TLS', () => {
    const missing = join(folder, 'missing.pem');
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: missing })).toEqual([
      `KAFKA_SSL_CA_FILE: cannot be read (ENOENT) (got ${JSON.stringify(missing)})`,
    ]);
    expect(
      problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(folder, 'not-a-ca.txt') }),
    ).toEqual([expect.stringMatching(/^KAFKA_SSL_CA_FILE: holds no PEM certificate /)]);
    expect(problems({ KAFKA_SSL_CA_FILE: join(folder, 'ca.pem') })).toEqual([
      expect.stringMatching(/^KAFKA_SSL_CA_FILE: needs KAFKA_SSL=true /),
    ]);
  });

  it('never echoes the password, whatever else is wrong', () => {
    const lines = problems({
      ...SCRAM,
      KAFKA_SASL_MECHANISM: 'gssapi',
      KAFKA_SASL_PASSWORD: PASSWORD,
    });
    expect(lines).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect(problems({ KAFKA_SASL_PASSWORD: PASSWORD }).join('\n')).not.toContain(PASSWORD);
  });
});
