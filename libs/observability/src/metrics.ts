import { Registry, collectDefaultMetrics } from 'prom-client';

/** A registry per app with Node's process metrics, so tests can build apps side by side. */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}
