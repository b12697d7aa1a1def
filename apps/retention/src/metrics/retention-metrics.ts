import {
  PrometheusBillwerkObserver,
  type BillwerkApiObserver,
  type BillwerkAttempt,
} from '@app/billwerk-api';
import { MetricsRegistry } from '@app/platform';
import type { CaseKind, CaseOutcome } from '../domain/retention-model';
import type { WorkflowObserver } from '../workflow/case-writes';

/** Figures read from the store at scrape time, so every instance reports the shared truth. */
export interface StoreFigures {
  winBackRate(): Promise<number>;
  pendingHooks(): Promise<number>;
  dueActions(): Promise<number>;
}

/** Everything retention exposes on /metrics. */
export class RetentionMetrics
  extends MetricsRegistry
  implements WorkflowObserver, BillwerkApiObserver
{
  constructor() {
    super('retention');
  }

  store: StoreFigures | undefined;

  /** The client library's own billwerk_api_* metrics, the 429 count among them (docs/alerts.md). */
  private readonly billwerkApi = new PrometheusBillwerkObserver(this.registry);

  readonly casesOpened = this.counter('retention_cases_opened_total', {
    help: 'Cases opened, by kind',
    labelNames: ['kind'] as const,
  });

  readonly casesClosed = this.counter('retention_cases_closed_total', {
    help: 'Cases closed, by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
  });

  readonly resolution = this.histogram('retention_case_resolution_seconds', {
    help: 'Time from opening a case to closing it, by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [60, 3600, 6 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 90 * 86400],
  });

  readonly winBackRate = this.gauge('retention_win_back_rate', {
    help: 'Share of decided win-back cases (won, lost, offer applied) that were won or kept with an offer',
    collect: async (gauge) => {
      if (this.store) gauge.set(await this.store.winBackRate());
    },
  });

  readonly pendingHooks = this.gauge('retention_pending_hooks', {
    help: 'Hooks parked because billwerk could not be asked',
    collect: async (gauge) => {
      if (this.store) gauge.set(await this.store.pendingHooks());
    },
  });

  readonly dueActions = this.gauge('retention_outbox_due_actions', {
    help: 'Actions due and not yet published',
    collect: async (gauge) => {
      if (this.store) gauge.set(await this.store.dueActions());
    },
  });

  readonly hooks = this.counter('retention_hooks_total', {
    help: 'Consumed hooks, by billwerk topic and outcome (processed, ignored, parked, dead-lettered)',
    labelNames: ['topic', 'outcome'] as const,
  });

  readonly consumerLag = this.gauge('retention_consumer_lag', {
    help: 'Hooks on the partition not yet handled, as of the last one handled, by topic and partition',
    labelNames: ['topic', 'partition'] as const,
  });

  readonly actionsPublished = this.counter('retention_actions_published_total', {
    help: 'Actions published on retention.actions.v1, by action',
    labelNames: ['action'] as const,
  });

  readonly actionsFoundPublished = this.counter('retention_actions_found_published_total', {
    help: 'In-doubt outbox rows found already on retention.actions.v1 after a relay died, so not sent again',
  });

  readonly billwerkLatency = this.histogram('retention_billwerk_request_duration_seconds', {
    help: 'billwerk API attempts, by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

  readonly billwerkErrors = this.counter('retention_billwerk_errors_total', {
    help: 'billwerk API attempts that failed, by operation and outcome (HTTP status or kind)',
    labelNames: ['operation', 'outcome'] as const,
  });

  caseOpened(kind: CaseKind): void {
    this.casesOpened.inc({ kind });
  }

  caseClosed(kind: CaseKind, outcome: CaseOutcome, openedAt: string, closedAt: string): void {
    this.casesClosed.inc({ kind, outcome });
    this.resolution.observe(
      { kind, outcome },
      (Date.parse(closedAt) - Date.parse(openedAt)) / 1000,
    );
  }

  attemptFinished(attempt: BillwerkAttempt): void {
    this.billwerkApi.attemptFinished(attempt);
    const outcome = attempt.status !== undefined ? String(attempt.status) : attempt.outcome;
    this.billwerkLatency.observe(
      { operation: attempt.operation, outcome },
      attempt.durationMs / 1000,
    );
    if (attempt.outcome !== 'ok')
      this.billwerkErrors.inc({ operation: attempt.operation, outcome });
  }
}
