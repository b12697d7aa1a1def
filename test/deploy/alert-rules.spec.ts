import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { parse } from 'yaml';
import { AuditMetrics } from '../../apps/audit/src/metrics/audit-metrics';
import { loadIngressConfig } from '../../apps/ingress/src/config/ingress.config';
import { IngressMetrics } from '../../apps/ingress/src/metrics/ingress-metrics';
import { RetentionMetrics } from '../../apps/retention/src/metrics/retention-metrics';
import {
  checkAnnotations,
  checkMetricsExposed,
  selectors,
  type ExposedMetric,
  type RuleFile,
} from './alert-rules';

const ROOT = join(__dirname, '..', '..');
const RULES = 'deploy/prometheus/rules/billwerk-bridge.rules.yml';
const DOCS = 'docs/alerts.md';
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Every metric family the three scraped apps declare, from their real registries. */
function exposedMetrics(): Map<string, ExposedMetric> {
  const registries: Registry[] = [
    new IngressMetrics(loadIngressConfig({}).limits.unrecognizedEventLabels).registry,
    new AuditMetrics().registry,
    new RetentionMetrics().registry,
  ];
  const exposed = new Map<string, ExposedMetric>();
  for (const metric of registries.flatMap((registry) => registry.getMetricsAsArray())) {
    const { name, type, labelNames } = metric as unknown as {
      name: string;
      type: string;
      labelNames?: string[];
    };
    exposed.set(name, { type: String(type), labels: new Set(labelNames ?? []) });
  }
  return exposed;
}

describe('deploy/prometheus rules', () => {
  const rules = parse(read(RULES)) as RuleFile;
  const exposed = exposedMetrics();
  const alerts = rules.groups.flatMap((group) => group.rules).filter((rule) => rule.alert);

  it('use only metrics and labels the apps expose', () => {
    expect(checkMetricsExposed(rules, exposed)).toEqual([]);
  });

  it('cover every concern issue 10 names', () => {
    const used = new Set(alerts.flatMap((rule) => selectors(rule.expr).map((s) => s.metric)));
    for (const metric of [
      'billwerk_ingress_hook_rejections_total',
      'billwerk_ingress_billwerk_retry_count_count',
      'billwerk:ingress_publish_failures:ratio5m',
      'billwerk:ingress_publish_duration_seconds:p99_5m',
      'billwerk_audit_consumer_lag',
      'retention_consumer_lag',
      'billwerk_audit_dead_letters_total',
      'retention_hooks_total',
      'billwerk_audit_chain_broken_partitions',
      'billwerk_api_throttled_total',
    ]) {
      expect([metric, used.has(metric)]).toEqual([metric, true]);
    }
  });

  it('give every alert a summary, a description, a severity and a runbook section that exists', () => {
    expect(checkAnnotations(rules, read(DOCS), DOCS)).toEqual([]);
  });

  it('name each alert once, each with a promtool test', () => {
    const names = alerts.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    const tests = read('deploy/prometheus/tests/billwerk-bridge.test.yml');
    const tested = new Set(
      [...tests.matchAll(/alertname: (\w+)\n\s+exp_alerts:\n\s+- /g)].map((m) => m[1]),
    );
    expect(names.filter((name) => !tested.has(name as string))).toEqual([]);
  });

  it('back every dashboard panel with exposed metrics or these recording rules', () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/billwerk-bridge.json')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const panels = dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ alert: panel.title, expr: target.expr })),
    );
    expect(panels.length).toBeGreaterThan(10);
    const withPanels: RuleFile = {
      groups: [...rules.groups, { name: 'dashboard', rules: panels }],
    };
    expect(checkMetricsExposed(withPanels, exposed)).toEqual([]);
  });

  it('find a misspelt metric, a label the metric lacks, a grouping nobody has and a missing runbook', () => {
    const broken: RuleFile = {
      groups: [
        {
          name: 'broken',
          rules: [
            { alert: 'A', expr: 'rate(billwerk_ingress_hook_total[5m]) > 0' },
            { alert: 'B', expr: 'billwerk_audit_consumer_lag{outcome="x"} > 0' },
            { alert: 'C', expr: 'sum by (customer) (rate(billwerk_audit_rows_written_total[5m]))' },
            { alert: 'D', expr: 'billwerk_ingress_queue_depth_bucket > 0' },
            { alert: 'E', expr: 'billwerk_ingress_batch_messages_bucket{le="1"} > 0' },
          ],
        },
      ],
    };
    expect(checkMetricsExposed(broken, exposed)).toEqual([
      'A: billwerk_ingress_hook_total is exposed by no app and recorded by no earlier rule',
      'B: billwerk_audit_consumer_lag has no label outcome',
      'C: groups by customer, which no metric has',
      'D: billwerk_ingress_queue_depth_bucket is exposed by no app and recorded by no earlier rule',
    ]);
    const unannotated: RuleFile = {
      groups: [
        {
          name: 'x',
          rules: [
            {
              alert: 'F',
              expr: 'up == 0',
              labels: { severity: 'page' },
              annotations: { summary: 's', runbook_url: `${DOCS}#nowhere` },
            },
          ],
        },
      ],
    };
    expect(checkAnnotations(unannotated, '## Somewhere\n', DOCS)).toEqual([
      'F: no description annotation',
      'F: severity must be warning or critical',
      `F: ${DOCS} has no section #nowhere`,
    ]);
  });
});
