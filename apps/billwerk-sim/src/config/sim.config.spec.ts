import 'reflect-metadata';
import { ConfigValidationError } from '@app/config';
import { loadSimConfig } from './sim.config';

function problems(env: Record<string, string>): string[] {
  try {
    loadSimConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadSimConfig', () => {
  it('has working defaults: port 3003, billwerk-like retries, no hook target', () => {
    const config = loadSimConfig({});
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3003 });
    expect(config.webhook).toEqual({
      target: undefined,
      timeoutMs: 10_000,
      retryBaseMs: 45_000,
      maxRetries: 12,
      concurrency: 16,
    });
  });

  it('maps the hook target with HTTP Basic credentials', () => {
    const config = loadSimConfig({
      SIM_PORT: '4000',
      SIM_WEBHOOK_URL: 'http://localhost:3000/billwerk-hook',
      SIM_WEBHOOK_USER: 'billwerk',
      SIM_WEBHOOK_PASSWORD: 'p:ss',
      SIM_RETRY_BASE_MS: '10',
    });
    expect(config.http.port).toBe(4000);
    expect(config.webhook.target).toEqual({
      url: 'http://localhost:3000/billwerk-hook',
      basicAuth: { user: 'billwerk', password: 'p:ss' },
    });
    expect(config.webhook.retryBaseMs).toBe(10);
  });

  it('names each bad setting on its own line, without echoing URLs or passwords', () => {
    const lines = problems({
      SIM_PORT: '70000',
      SIM_WEBHOOK_URL: 'not a url',
      SIM_MAX_RETRIES: '-1',
    });
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith('SIM_PORT:'))).toContain('70000');
    expect(lines.find((l) => l.startsWith('SIM_WEBHOOK_URL:'))).toContain(
      'a value that is not shown',
    );
    expect(lines.some((l) => l.startsWith('SIM_MAX_RETRIES:'))).toBe(true);
  });

  it('wants the Basic user and password together, and a URL to send them to', () => {
    expect(problems({ SIM_WEBHOOK_URL: 'http://x:1/h', SIM_WEBHOOK_USER: 'u' })).toEqual([
      'SIM_WEBHOOK_USER, SIM_WEBHOOK_PASSWORD: set both for HTTP Basic, or neither',
    ]);
    expect(problems({ SIM_WEBHOOK_USER: 'u', SIM_WEBHOOK_PASSWORD: 'p' })).toEqual([
      'SIM_WEBHOOK_URL: needed when SIM_WEBHOOK_USER and SIM_WEBHOOK_PASSWORD are set',
    ]);
  });
});
