/**
 * `npm start`: the whole system with one command. Builds the apps, starts the local Kafka unless
 * KAFKA_BROKERS is set, runs every app under this supervisor with prefixed logs, and prints how
 * to use it. Ctrl-C stops everything; an app that crashes is reported and stops the stack.
 * `--demo` plays a simulator scenario through every hop, prints it, and stops.
 */
import { BILLWERK_TOPICS } from '@app/contracts';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startLocalKafka, stopLocalKafka } from '../kafka/local-kafka';
import { runDemo } from './demo';
import { devCredentials } from './dev-credentials';
import { humanLine } from './log-lines';

const ROOT = join(__dirname, '..', '..');
const colour = process.stdout.isTTY;
const say = (line: string): void => {
  process.stdout.write(`${colour ? '\x1b[1m' : ''}[start]${colour ? '\x1b[0m' : ''} ${line}\n`);
};

interface AppSpec {
  name: string;
  entry: string;
  /** Answers 200 once the app can do its work. */
  readyUrl: string;
  env: Record<string, string>;
}

const children = new Map<string, ChildProcess>();
let kafkaStartedHere = false;
let stopping = false;

function run(app: AppSpec): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, app.entry)], {
    cwd: ROOT,
    env: { ...process.env, ...app.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `${colour ? '\x1b[36m' : ''}[${app.name}]${colour ? '\x1b[0m' : ''} `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`${prefix}${humanLine(line, colour)}\n`);
    });
  }
  // 'close' rather than 'exit': it comes after the child's pipes are drained, so its last lines
  // (a crash's reason, `<app> stopped`) are printed before ours.
  child.on('close', (code, signal) => {
    children.delete(app.name);
    if (stopping) return;
    say(`${app.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the stack`);
    void shutdown(1);
  });
  children.set(app.name, child);
  return child;
}

async function waitReady(name: string, url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!children.has(name)) throw new Error(`${name} exited during start-up`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${name} was not ready at ${url} within 60 s`);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise<void>((done) => {
          child.once('close', () => done());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
  if (kafkaStartedHere) {
    await stopLocalKafka();
    say('local Kafka stopped');
  }
  process.exit(code);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  say('building the apps…');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed (see above)');

  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    say('starting the local Kafka (first run downloads it with Maven)…');
    const kafka = await startLocalKafka({
      topics: BILLWERK_TOPICS.map((topic) => ({ topic, numPartitions: 3 })),
      log: (line) => say(line),
    });
    brokers = kafka.brokers;
    kafkaStartedHere = kafka.started;
    say(
      `Kafka ${kafka.started ? 'started' : 'already running'} on ${brokers} (log: ${kafka.logFile})`,
    );
  }

  const explicitAuth = process.env.INGRESS_BASIC_AUTH || process.env.INGRESS_PATH_TOKENS;
  const credentials = devCredentials(join(ROOT, '.data', 'dev-credentials.json'));
  const ingressPort = Number(process.env.INGRESS_PORT ?? 3000);
  const simPort = Number(process.env.SIM_PORT ?? 3003);
  const auditPort = Number(process.env.AUDIT_PORT ?? 3002);
  const retentionPort = Number(process.env.RETENTION_PORT ?? 3001);
  const hookUrl = `http://127.0.0.1:${ingressPort}/billwerk-hook`;
  const apps: AppSpec[] = [
    {
      name: 'ingress',
      entry: 'dist/apps/ingress/apps/ingress/src/main.js',
      readyUrl: `http://127.0.0.1:${ingressPort}/health/ready`,
      env: {
        KAFKA_BROKERS: brokers,
        ...(explicitAuth
          ? {}
          : {
              INGRESS_BASIC_AUTH: `${credentials.source}:${credentials.user}:${credentials.password}`,
              INGRESS_PATH_TOKENS: `${credentials.source}:${credentials.token}`,
            }),
      },
    },
    {
      name: 'audit',
      entry: 'dist/apps/audit/apps/audit/src/main.js',
      readyUrl: `http://127.0.0.1:${auditPort}/health/ready`,
      env: {
        KAFKA_BROKERS: brokers,
        AUDIT_API_TOKENS: process.env.AUDIT_API_TOKENS ?? credentials.apiToken,
      },
    },
    {
      name: 'sim',
      entry: 'dist/apps/billwerk-sim/apps/billwerk-sim/src/main.js',
      readyUrl: `http://127.0.0.1:${simPort}/health/live`,
      env: {
        SIM_PORT: String(simPort),
        SIM_WEBHOOK_URL: process.env.SIM_WEBHOOK_URL ?? `${hookUrl}/${credentials.token}`,
      },
    },
    {
      name: 'retention',
      entry: 'dist/apps/retention/apps/retention/src/main.js',
      readyUrl: `http://127.0.0.1:${retentionPort}/health/ready`,
      env: {
        KAFKA_BROKERS: brokers,
        RETENTION_API_TOKENS: process.env.RETENTION_API_TOKENS ?? credentials.apiToken,
        // Unless told otherwise, billwerk is the simulator, with its fixed demo discount on offer.
        BILLWERK_API_URL: process.env.BILLWERK_API_URL ?? `http://127.0.0.1:${simPort}`,
        BILLWERK_CLIENT_ID: process.env.BILLWERK_CLIENT_ID ?? 'billwerk-sim',
        BILLWERK_CLIENT_SECRET: process.env.BILLWERK_CLIENT_SECRET ?? 'billwerk-sim-secret',
        RETENTION_OFFER_RULES: process.env.RETENTION_OFFER_RULES ?? '*=64b000000000000000000001',
      },
    },
  ];
  // In order: each app may need the ones before it (the simulator sends hooks to the ingress;
  // retention asks the simulator for state, and a retained backlog is consumed at once).
  for (const app of apps) {
    run(app);
    await waitReady(app.name, app.readyUrl);
  }

  const base = `http://127.0.0.1:${ingressPort}`;
  const sample = JSON.stringify({
    Event: 'ContractCancelled',
    ContractId: '5e1f1c2a9b8d7e6f5a4b3c2d',
    CustomerId: '5e1f1c2a9b8d7e6f5a4b3c2e',
    EntityId: '5e1f1c2a9b8d7e6f5a4b3c2f',
  });
  const retentionToken = process.env.RETENTION_API_TOKENS
    ? '<a token of RETENTION_API_TOKENS>'
    : credentials.apiToken;
  // The CLI finds the simulator and prints the API URLs by these ports; only a changed one needs saying.
  const simEnv = Object.entries({
    SIM_PORT: [simPort, 3003],
    RETENTION_PORT: [retentionPort, 3001],
    AUDIT_PORT: [auditPort, 3002],
  })
    .filter(([, [port, usual]]) => port !== usual)
    .map(([name, [port]]) => `${name}=${port} `)
    .join('');
  const lines = [
    '',
    'billwerk-bridge is running',
    `  ingress       ${base}/billwerk-hook   (health: ${base}/health/ready, metrics: ${base}/metrics)`,
    `  retention     http://127.0.0.1:${retentionPort}/retention/cases   (API docs: /docs)`,
    `  audit         http://127.0.0.1:${auditPort}/audit/events   (API docs: /docs)`,
    `  simulator     http://127.0.0.1:${simPort}   (billwerk's API subset; scenarios: npm run sim -- list)`,
    `  Kafka         ${brokers}`,
    explicitAuth
      ? '  credentials   from INGRESS_BASIC_AUTH / INGRESS_PATH_TOKENS'
      : `  credentials   hooks: Basic ${credentials.user}:${credentials.password} or path token ${credentials.token} (source "${credentials.source}")`,
    `                APIs: Authorization: Bearer ${credentials.apiToken}   (all kept in .data/dev-credentials.json)`,
    '',
    'send a hook:',
    explicitAuth
      ? `  curl -i -u <user>:<password> -H 'content-type: application/json' -d '${sample}' ${base}/billwerk-hook`
      : `  curl -i -u ${credentials.user}:${credentials.password} -H 'content-type: application/json' -d '${sample}' ${base}/billwerk-hook`,
    'watch a complete flow: a customer cancels, retention opens a win-back case and requests an',
    'offer; the cancellation is withdrawn and the case closes as won (a step every 2 s):',
    `  ${simEnv}npm run sim -- cancel-withdraw`,
    'then the outcome, the win-back cases:',
    `  curl -s -H 'authorization: Bearer ${retentionToken}' 'http://127.0.0.1:${retentionPort}/retention/cases?kind=win-back'`,
    'other scenarios: npm run sim -- list; watch a topic: npm run watch -- retention.actions.v1',
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  for (const line of lines) say(line);

  if (process.argv.includes('--demo')) {
    await runDemo({
      brokers,
      simUrl: `http://127.0.0.1:${simPort}`,
      auditUrl: `http://127.0.0.1:${auditPort}`,
      retentionUrl: `http://127.0.0.1:${retentionPort}`,
      apiToken: credentials.apiToken,
      say,
    });
    await shutdown(0);
  }
}

main().catch((error: unknown) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});
