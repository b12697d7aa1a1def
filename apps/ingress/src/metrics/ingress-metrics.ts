import { MetricsRegistry } from '@app/platform';

/** The label of unrecognized events past the cap: each new label is a time series forever. */
export const OTHER_EVENT_LABEL = 'other';

export type HookOutcome = 'accepted' | 'invalid' | 'unauthorized' | 'unavailable';

/** Everything the ingress exposes on /metrics. */
export class IngressMetrics extends MetricsRegistry {
  private readonly unrecognizedLabels = new Set<string>();

  /** `unrecognizedEventLabels`: INGRESS_UNRECOGNIZED_EVENT_LABELS. */
  constructor(private readonly unrecognizedEventLabels: number) {
    super('ingress');
  }

  readonly hooks = this.counter('billwerk_ingress_hooks_total', {
    help: 'Hooks received, by billwerk event, source account and outcome',
    labelNames: ['event', 'source', 'outcome'] as const,
  });

  readonly rejections = this.counter('billwerk_ingress_hook_rejections_total', {
    help: 'Answers other than 202 on the hook URL, by HTTP status and reason (the error code, e.g. INVALID_HOOK)',
    labelNames: ['status', 'reason'] as const,
  });

  readonly unrecognized = this.counter('billwerk_ingress_unrecognized_events_total', {
    help: 'Well-formed hooks whose event is not in the catalog (routed to billwerk.unrecognized.v1)',
    labelNames: ['event'] as const,
  });

  readonly connectionsDropped = this.counter('billwerk_ingress_connections_dropped_total', {
    help: 'Connections closed on arrival because INGRESS_MAX_CONNECTIONS were open',
  });

  /** Counts an unrecognized event under its own name while fewer than the cap have one. */
  countUnrecognized(event: string): void {
    const labels = this.unrecognizedLabels;
    if (!labels.has(event) && labels.size < this.unrecognizedEventLabels) {
      labels.add(event);
    }
    this.unrecognized.inc({ event: labels.has(event) ? event : OTHER_EVENT_LABEL });
  }

  readonly publishLatency = this.histogram('billwerk_ingress_publish_duration_seconds', {
    help: 'Time from receiving a valid hook to Kafka acknowledging it',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8],
  });

  readonly batchSize = this.histogram('billwerk_ingress_batch_messages', {
    help: 'Messages per coalesced produce request',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
  });

  readonly batchDuration = this.histogram('billwerk_ingress_batch_duration_seconds', {
    help: 'Time for Kafka to acknowledge a produce request',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8],
  });

  /** Set by the publisher: read at scrape time rather than updated on every hook. */
  queueDepthSource: () => number = () => 0;

  readonly queueDepth = this.gauge('billwerk_ingress_queue_depth', {
    help: 'Hooks waiting for a Kafka acknowledgement',
    collect: (gauge) => gauge.set(this.queueDepthSource()),
  });

  readonly retryCount = this.histogram('billwerk_ingress_billwerk_retry_count', {
    help: "billwerk's X-Retry-Count of received hooks; a rising count means billwerk is close to dropping hooks",
    labelNames: ['source'] as const,
    buckets: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  });
}
