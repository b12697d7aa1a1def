import { Registry } from 'prom-client';
import { PrometheusBillwerkObserver } from './prometheus-observer';

describe('PrometheusBillwerkObserver', () => {
  it('records attempt durations and counts retries by reason', async () => {
    const registry = new Registry();
    const observer = new PrometheusBillwerkObserver(registry);
    const base = { operation: 'getContract', method: 'GET' as const };
    observer.attemptFinished({
      ...base,
      attempt: 1,
      status: 503,
      outcome: 'http_error',
      durationMs: 40,
      retrying: true,
    });
    observer.attemptFinished({
      ...base,
      attempt: 2,
      outcome: 'timeout',
      durationMs: 10_000,
      retrying: true,
    });
    observer.attemptFinished({
      ...base,
      attempt: 3,
      status: 200,
      outcome: 'ok',
      durationMs: 120,
      retrying: false,
    });

    const text = await registry.metrics();
    expect(text).toContain('billwerk_api_retries_total{operation="getContract",reason="503"} 1');
    expect(text).toContain(
      'billwerk_api_retries_total{operation="getContract",reason="timeout"} 1',
    );
    expect(text).toContain(
      'billwerk_api_request_duration_seconds_count{operation="getContract",outcome="ok",status="200"} 1',
    );
    expect(text).toContain(
      'billwerk_api_request_duration_seconds_sum{operation="getContract",outcome="timeout",status="none"} 10',
    );
  });

  it('counts 429 answers as throttled: retried while the client waits, gave_up when it fails', async () => {
    const registry = new Registry();
    const observer = new PrometheusBillwerkObserver(registry);
    const base = {
      operation: 'getContract',
      method: 'GET' as const,
      outcome: 'http_error' as const,
    };
    observer.attemptFinished({ ...base, attempt: 1, status: 429, durationMs: 5, retrying: true });
    observer.attemptFinished({ ...base, attempt: 2, status: 429, durationMs: 5, retrying: false });
    observer.attemptFinished({ ...base, attempt: 1, status: 503, durationMs: 5, retrying: true });

    const text = await registry.metrics();
    expect(text).toContain(
      'billwerk_api_throttled_total{operation="getContract",outcome="retried"} 1',
    );
    expect(text).toContain(
      'billwerk_api_throttled_total{operation="getContract",outcome="gave_up"} 1',
    );
    expect(text).not.toMatch(/billwerk_api_throttled_total\{[^}]*\} 2/);
  });
});
