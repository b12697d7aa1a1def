import { MetricsRegistry } from './metrics-registry';

class ExampleMetrics extends MetricsRegistry {
  depth = 0;

  constructor() {
    super('example');
  }

  readonly hooks = this.counter('billwerk_example_hooks_total', {
    help: 'Hooks, by outcome',
    labelNames: ['outcome'] as const,
  });

  readonly queueDepth = this.gauge('billwerk_example_queue_depth', {
    help: 'Hooks waiting',
    collect: (gauge) => gauge.set(this.depth),
  });

  readonly latency = this.histogram('billwerk_example_duration_seconds', {
    help: 'Time to acknowledge',
    buckets: [0.1, 1],
  });
}

describe('MetricsRegistry', () => {
  it('scrapes its own series with the app label, gauges read at scrape time', async () => {
    const metrics = new ExampleMetrics();
    metrics.hooks.inc({ outcome: 'accepted' });
    metrics.latency.observe(0.5);
    metrics.depth = 7;
    const text = await metrics.scrape();
    expect(text).toMatch(/billwerk_example_hooks_total\{outcome="accepted",app="example"\} 1/);
    expect(text).toMatch(/billwerk_example_queue_depth\{app="example"\} 7/);
    expect(text).toMatch(/billwerk_example_duration_seconds_bucket\{le="1",app="example"\} 1/);
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('keeps two apps in one process apart (tests build apps side by side)', async () => {
    const first = new ExampleMetrics();
    const second = new ExampleMetrics();
    first.hooks.inc({ outcome: 'accepted' });
    expect(await second.scrape()).not.toMatch(/billwerk_example_hooks_total\{/);
  });

  it('refuses names against the conventions', () => {
    const metrics = new MetricsRegistry('example');
    expect(() => metrics.counter('billwerk_example_hooks', { help: 'x' })).toThrow(
      'counter billwerk_example_hooks must end in _total',
    );
    expect(() => metrics.histogram('Billwerk-Latency', { help: 'x', buckets: [1] })).toThrow(
      /snake_case/,
    );
  });
});
