/**
 * Offline checks of deploy/prometheus/rules against what the apps expose: promtool knows PromQL
 * but not our metrics, so a renamed metric or a misspelt label would make an alert that can
 * never fire. Each check returns problem lines; an empty list means it passes.
 */

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

/** A metric family as the apps' registries declare it. */
export interface ExposedMetric {
  type: string;
  labels: Set<string>;
}

/** Added by Prometheus at scrape time, or set on every app's registry. */
const TARGET_LABELS = ['job', 'instance', 'app'];
/** Series Prometheus makes itself for every target. */
const SYNTHETIC: Record<string, ExposedMetric> = {
  up: { type: 'gauge', labels: new Set() },
  ALERTS: { type: 'gauge', labels: new Set(['alertname', 'alertstate', 'severity']) },
};

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

export interface Selector {
  metric: string;
  matchers: { label: string; value: string }[];
}

/** Every metric selector in a PromQL expression (functions, keywords and grouping labels left out). */
export function selectors(expr: string): Selector[] {
  const found: Selector[] = [];
  const text = expr
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const pattern = /([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{[^}]*\})?(\s*\()?|(\{[^}]*\})|"[^"]*"/g;
  for (const match of text.matchAll(pattern)) {
    const [, name, braces, call] = match;
    if (name === undefined || call !== undefined || KEYWORDS.has(name.toLowerCase())) continue;
    if (/^\d/.test(name)) continue;
    const matchers = [...(braces ?? '').matchAll(/(\w+)\s*(?:=~|!=|!~|=)\s*"([^"]*)"/g)].map(
      ([, label, value]) => ({ label, value }),
    );
    found.push({ metric: name, matchers });
  }
  return found;
}

/** The labels `by (…)` and `on (…)` group by. */
export function groupingLabels(expr: string): string[] {
  return [...expr.matchAll(/\b(?:by|on|without|ignoring)\s*\(([^)]*)\)/g)].flatMap(([, list]) =>
    list
      .split(',')
      .map((label) => label.trim())
      .filter((label) => label !== ''),
  );
}

function family(
  metric: string,
  exposed: Map<string, ExposedMetric>,
): { base: string; meta: ExposedMetric; bucket: boolean } | undefined {
  const direct = exposed.get(metric) ?? SYNTHETIC[metric];
  if (direct !== undefined) return { base: metric, meta: direct, bucket: false };
  const suffix = /^(.*)_(bucket|count|sum)$/.exec(metric);
  const base = suffix === null ? undefined : exposed.get(suffix[1]);
  if (suffix === null || base === undefined || base.type !== 'histogram') return undefined;
  return { base: suffix[1], meta: base, bucket: suffix[2] === 'bucket' };
}

/** Metric names and label names every rule uses must be exposed; recording rules count too. */
export function checkMetricsExposed(
  rules: RuleFile,
  exposed: Map<string, ExposedMetric>,
): string[] {
  const problems: string[] = [];
  const recorded = new Map<string, Set<string>>();
  for (const rule of rules.groups.flatMap((group) => group.rules)) {
    const name = rule.alert ?? rule.record ?? '?';
    const usable = new Set(TARGET_LABELS);
    for (const { metric, matchers } of selectors(rule.expr)) {
      const own = recorded.get(metric);
      const found = family(metric, exposed);
      if (own === undefined && found === undefined) {
        problems.push(`${name}: ${metric} is exposed by no app and recorded by no earlier rule`);
        continue;
      }
      const labels = new Set([
        ...TARGET_LABELS,
        ...(own ?? found?.meta.labels ?? []),
        ...(found?.bucket ? ['le'] : []),
      ]);
      labels.forEach((label) => usable.add(label));
      for (const { label } of matchers) {
        if (!labels.has(label)) problems.push(`${name}: ${metric} has no label ${label}`);
      }
    }
    for (const label of groupingLabels(rule.expr)) {
      if (!usable.has(label)) problems.push(`${name}: groups by ${label}, which no metric has`);
    }
    if (rule.record !== undefined) recorded.set(rule.record, new Set(groupingLabels(rule.expr)));
  }
  return problems;
}

/** GitHub's anchor for a Markdown heading. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

/** Every alert says what happened and where its runbook section is (in `docs`, by anchor). */
export function checkAnnotations(rules: RuleFile, docs: string, docsPath: string): string[] {
  const anchors = new Set(
    [...docs.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) => anchorOf(heading)),
  );
  const problems: string[] = [];
  for (const rule of rules.groups.flatMap((group) => group.rules)) {
    if (rule.alert === undefined) continue;
    const annotations = rule.annotations ?? {};
    for (const key of ['summary', 'description', 'runbook_url']) {
      if (!annotations[key]?.trim()) problems.push(`${rule.alert}: no ${key} annotation`);
    }
    if (!['warning', 'critical'].includes(rule.labels?.severity ?? '')) {
      problems.push(`${rule.alert}: severity must be warning or critical`);
    }
    const url = annotations.runbook_url;
    if (url === undefined) continue;
    const [path, anchor] = url.split('#');
    if (path !== docsPath || anchor === undefined) {
      problems.push(`${rule.alert}: runbook_url ${url} is not ${docsPath}#<section>`);
    } else if (!anchors.has(anchor)) {
      problems.push(`${rule.alert}: ${docsPath} has no section #${anchor}`);
    }
  }
  return problems;
}
