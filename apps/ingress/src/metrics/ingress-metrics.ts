import { createMetricsRegistry } from '@app/observability';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type HookOutcome = 'accepted' | 'invalid' | 'unauthorized' | 'unavailable';

/** Everything the ingress exposes on /metrics. */
export class IngressMetrics {
  readonly registry: Registry = createMetricsRegistry('ingress');

  readonly hooks = new Counter({
    name: 'billwerk_ingress_hooks_total',
    help: 'Hooks received, by billwerk event, source account and outcome',
    labelNames: ['event', 'source', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly unrecognized = new Counter({
    name: 'billwerk_ingress_unrecognized_events_total',
    help: 'Well-formed hooks whose event is not in the catalog (routed to billwerk.unrecognized.v1)',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly publishLatency = new Histogram({
    name: 'billwerk_ingress_publish_duration_seconds',
    help: 'Time from receiving a valid hook to Kafka acknowledging it',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8],
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'billwerk_ingress_batch_messages',
    help: 'Messages per coalesced produce request',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });

  readonly batchDuration = new Histogram({
    name: 'billwerk_ingress_batch_duration_seconds',
    help: 'Time for Kafka to acknowledge a produce request',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8],
    registers: [this.registry],
  });

  /** Set by the publisher: read at scrape time rather than updated on every hook. */
  queueDepthSource: () => number = () => 0;

  readonly queueDepth: Gauge = new Gauge({
    name: 'billwerk_ingress_queue_depth',
    help: 'Hooks waiting for a Kafka acknowledgement',
    registers: [this.registry],
    collect: (): void => this.queueDepth.set(this.queueDepthSource()),
  });

  readonly retryCount = new Histogram({
    name: 'billwerk_ingress_billwerk_retry_count',
    help: "billwerk's X-Retry-Count of received hooks; a rising count means billwerk is close to dropping hooks",
    labelNames: ['source'] as const,
    buckets: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    registers: [this.registry],
  });
}
