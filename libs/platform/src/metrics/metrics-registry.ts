import { createMetricsRegistry } from '@app/observability';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

interface Declaration<L extends string> {
  help: string;
  labelNames?: readonly L[];
}

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * One app's metrics. Conventions (docs in libs/platform/README.md): snake_case names prefixed by
 * the app's domain (`billwerk_ingress_`, `billwerk_audit_`, `retention_`), counters end in
 * `_total`, durations are `_seconds`, sizes name their unit (`_messages`, `_bytes`); every series
 * carries the `app` label. Names are a contract with alerts and dashboards: never rename one.
 */
export class MetricsRegistry {
  readonly registry: Registry;

  constructor(app: string) {
    this.registry = createMetricsRegistry(app);
  }

  counter<L extends string = never>(name: string, declaration: Declaration<L>): Counter<L> {
    if (!name.endsWith('_total')) throw new RangeError(`counter ${name} must end in _total`);
    return new Counter({ ...this.common(name, declaration), registers: [this.registry] });
  }

  /** `collect` runs at scrape time: gauges read their value then rather than on every change. */
  gauge<L extends string = never>(
    name: string,
    declaration: Declaration<L> & { collect?: (gauge: Gauge<L>) => void | Promise<void> },
  ): Gauge<L> {
    const { collect } = declaration;
    return new Gauge<L>({
      ...this.common(name, declaration),
      registers: [this.registry],
      ...(collect === undefined
        ? {}
        : {
            collect(this: Gauge<L>) {
              return collect(this);
            },
          }),
    });
  }

  histogram<L extends string = never>(
    name: string,
    declaration: Declaration<L> & { buckets: number[] },
  ): Histogram<L> {
    return new Histogram({
      ...this.common(name, declaration),
      buckets: declaration.buckets,
      registers: [this.registry],
    });
  }

  /** The scrape: Prometheus text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  private common<L extends string>(name: string, declaration: Declaration<L>) {
    if (!NAME.test(name)) throw new RangeError(`metric name ${name} must be snake_case`);
    return {
      name,
      help: declaration.help,
      labelNames: (declaration.labelNames ?? []) as L[],
    };
  }
}
