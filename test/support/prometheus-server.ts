import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../../apps/ingress/test/ingress-process';
import type { Rule, RuleFile } from '../deploy/alert-rules';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..', '..');
export const RULES_FILE = join(ROOT, 'deploy/prometheus/rules/billwerk-bridge.rules.yml');

/**
 * The named alerts from the rules file as they are, except time: every range window becomes
 * `window` and every `for` becomes `hold`, so an alert meant to fire after 10 minutes fires in
 * seconds. The expressions, labels and annotations stay the operators' own.
 */
export function fastRules(alerts: string[], window: string, hold: string): RuleFile {
  const rules = (parse(readFileSync(RULES_FILE, 'utf8')) as RuleFile).groups
    .flatMap((group) => group.rules)
    .filter((rule): rule is Rule & { alert: string } => alerts.includes(rule.alert ?? ''));
  if (rules.length !== alerts.length) throw new Error(`not all of ${alerts.join(', ')} found`);
  return {
    groups: [
      {
        name: 'fast',
        rules: rules.map((rule) => ({
          ...rule,
          expr: rule.expr.replace(/\[\d+[smhd]\]/g, `[${window}]`),
          for: hold,
        })),
      },
    ],
  };
}

export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

export interface PrometheusServer {
  url: string;
  alerts(): Promise<Alert[]>;
  /** Health of each scrape target by job: `up`, `down` or `unknown` (not scraped yet). */
  targets(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * Debian's `prometheus` binary with a config of its own: a temp data dir, a free port,
 * 1 s scrape and evaluation intervals, the given jobs and rules. Resolves once it is ready.
 */
export async function startPrometheus(
  jobs: Record<string, string[]>,
  rules: RuleFile,
): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-prometheus-'));
  writeFileSync(join(dir, 'rules.yml'), stringify(rules));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ['rules.yml'],
      scrape_configs: Object.entries(jobs).map(([job, targets]) => ({
        job_name: job,
        static_configs: [{ targets }],
      })),
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // A missing binary is an 'error' event, not an exit: say what to install.
  child.once('error', (error: NodeJS.ErrnoException) => {
    output +=
      error.code === 'ENOENT'
        ? "no prometheus binary on PATH: install Debian's prometheus package (apt-get install prometheus)"
        : error.message;
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined) {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      'Prometheus to be ready',
      async () => {
        if (child.exitCode !== null || child.pid === undefined) {
          throw new Error(`prometheus did not start: ${output.slice(-2000)}`);
        }
        return (await fetch(`${url}/-/ready`)).ok;
      },
      30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    alerts: async () => {
      const answer = (await (await fetch(`${url}/api/v1/alerts`)).json()) as {
        data: { alerts: Alert[] };
      };
      return answer.data.alerts;
    },
    targets: async () => {
      const answer = (await (await fetch(`${url}/api/v1/targets`)).json()) as {
        data: { activeTargets: { labels: { job: string }; health: string }[] };
      };
      return Object.fromEntries(
        answer.data.activeTargets.map((target) => [target.labels.job, target.health]),
      );
    },
    stop,
  };
}
