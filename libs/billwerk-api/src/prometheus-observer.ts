import { Counter, Histogram, type Registry } from 'prom-client';
import type { BillwerkApiObserver, BillwerkAttempt } from './billwerk-api.options';

/**
 * Feeds every billwerk API attempt into `registry`:
 * `billwerk_api_request_duration_seconds{operation, outcome, status}`,
 * `billwerk_api_retries_total{operation, reason}` and
 * `billwerk_api_throttled_total{operation, outcome}`: answers 429 (billwerk's rate limit, the
 * API budget), `retried` when the client waits and tries again, `gave_up` when the call fails
 * with `BillwerkRateLimitedError` (retries spent, or a `Retry-After` longer than it waits).
 */
export class PrometheusBillwerkObserver implements BillwerkApiObserver {
  private readonly duration: Histogram<'operation' | 'outcome' | 'status'>;
  private readonly retries: Counter<'operation' | 'reason'>;
  private readonly throttled: Counter<'operation' | 'outcome'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'billwerk_api_request_duration_seconds',
      help: 'billwerk API attempts by client operation, outcome and HTTP status (none: no answer)',
      labelNames: ['operation', 'outcome', 'status'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.retries = new Counter({
      name: 'billwerk_api_retries_total',
      help: 'billwerk API attempts that are retried, by operation and reason (status or outcome)',
      labelNames: ['operation', 'reason'] as const,
      registers: [registry],
    });
    this.throttled = new Counter({
      name: 'billwerk_api_throttled_total',
      help: 'billwerk API answers 429 (rate limit), by operation and outcome (retried, gave_up)',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    });
  }

  attemptFinished(attempt: BillwerkAttempt): void {
    const status = attempt.status === undefined ? 'none' : String(attempt.status);
    this.duration.observe(
      { operation: attempt.operation, outcome: attempt.outcome, status },
      attempt.durationMs / 1000,
    );
    if (attempt.status === 429) {
      this.throttled.inc({
        operation: attempt.operation,
        outcome: attempt.retrying ? 'retried' : 'gave_up',
      });
    }
    if (attempt.retrying) {
      this.retries.inc({
        operation: attempt.operation,
        reason: attempt.status === undefined ? attempt.outcome : status,
      });
    }
  }
}
