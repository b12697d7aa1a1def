/**
 * `npm run bench:ingress`: the ingress against two baselines, side by side, on this machine and
 * the local Kafka. Prints throughput, latency and peak RSS per server and the target ratios.
 */
import { BILLWERK_TOPICS } from '@app/contracts';
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fullHook, legacyHook, ALL_EVENTS } from '../test/fixtures/billwerk-hooks';
import { startLocalKafka, stopLocalKafka } from '../tools/kafka/local-kafka';

const ROOT = join(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARM_UP_S = 2;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const TOKEN = 'bench-path-token-0123456789';
const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3900);
const INGRESS_MAIN = join(ROOT, 'dist/apps/ingress/apps/ingress/src/main.js');
/** Another build's ingress `main.js` (e.g. main's, before a change), measured beside this one. */
const BASELINE_INGRESS = process.env.BENCH_BASELINE_INGRESS;
/** `1`: also measure the ingress with tracing on, exporting to a local OTLP sink. */
const TRACED = process.env.BENCH_TRACING === '1';
/** `c,f,g`: only these servers, by letter (default: all). */
const ONLY = process.env.BENCH_SERVERS?.split(',').map((letter) => letter.trim());

interface Round {
  rps: number;
  p50: number;
  p99: number;
  failed: number;
}

interface Result {
  name: string;
  rounds: Round[];
  peakRssMb: number;
}

interface Server {
  name: string;
  port: number;
  child: ChildProcess;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Realistic bodies: every catalog event, both generations. */
function requests(): autocannon.Request[] {
  return ALL_EVENTS.flatMap((event) => [fullHook(event), legacyHook(event)]).map((body) => ({
    method: 'POST',
    path: `/billwerk-hook/${TOKEN}`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }));
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

async function launch(
  script: string,
  env: Record<string, string>,
  execArgv: string[],
): Promise<ChildProcess> {
  const child = fork(script, [], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) =>
      reject(new Error(`${script} exited with ${code} before it was ready`)),
    );
  });
  return child;
}

async function waitForHttp(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

function load(port: number, duration: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration,
    requests: requests(),
  });
}

async function measureRound(server: Server): Promise<Round> {
  await load(server.port, WARM_UP_S); // JIT, connection pools, producer metadata
  const result = await load(server.port, DURATION);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

function table(results: Result[]): string {
  const rows = results.map((r) => {
    const rps = r.rounds.map((round) => round.rps);
    return [
      r.name.padEnd(36),
      median(rps).toFixed(0).padStart(8),
      `${Math.min(...rps).toFixed(0)}-${Math.max(...rps).toFixed(0)}`.padStart(13),
      median(r.rounds.map((round) => round.p50))
        .toFixed(1)
        .padStart(7),
      median(r.rounds.map((round) => round.p99))
        .toFixed(1)
        .padStart(7),
      r.peakRssMb.toFixed(0).padStart(7),
      String(r.rounds.reduce((sum, round) => sum + round.failed, 0)).padStart(7),
    ].join(' ');
  });
  const header = [
    'server'.padEnd(36),
    'req/s'.padStart(8),
    'range'.padStart(13),
    'p50 ms'.padStart(7),
    'p99 ms'.padStart(7),
    'RSS MB'.padStart(7),
    'failed'.padStart(7),
  ].join(' ');
  return [header, ...rows].join('\n');
}

/** The built ingress; no OTEL_* from the bench's environment unless `env` gives them. */
async function ingress(main: string, port: number, env: Record<string, string>) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')),
  );
  const child = fork(main, [], {
    cwd: ROOT,
    env: {
      ...inherited,
      NODE_ENV: 'production',
      INGRESS_PORT: String(port),
      INGRESS_HOST: '127.0.0.1',
      INGRESS_PATH_TOKENS: `bench:${TOKEN}`,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
  return child;
}

async function startServers(): Promise<{ servers: Server[]; helpers: ChildProcess[] }> {
  const script = (name: string) => join(__dirname, 'servers', name);
  const servers: Server[] = [];
  const helpers: ChildProcess[] = [];
  let nextPort = PORT_BASE;
  const add = async (name: string, start: (port: number) => Promise<ChildProcess>) => {
    if (ONLY !== undefined && !ONLY.includes(name.slice(1, 2))) return;
    const port = nextPort++;
    servers.push({ name, port, child: await start(port) });
  };
  await add('(a) bare node:http, no Kafka', (port) =>
    launch(script('bare-http.ts'), { PORT: String(port) }, TS_NODE),
  );
  await add('(b) node:http + KafkaJS per request', (port) =>
    launch(script('naive-kafka.ts'), { PORT: String(port) }, TS_NODE),
  );
  await add('(c) billwerk-bridge ingress', (port) => ingress(INGRESS_MAIN, port, {}));
  await add('(d) Nest on Express, no Kafka', (port) =>
    launch(script('nest-adapter.ts'), { PORT: String(port), ADAPTER: 'express' }, TS_NODE),
  );
  await add('(e) Nest on Fastify, no Kafka', (port) =>
    launch(script('nest-adapter.ts'), { PORT: String(port), ADAPTER: 'fastify' }, TS_NODE),
  );
  if (TRACED && (ONLY === undefined || ONLY.includes('f'))) {
    const sinkPort = nextPort++;
    helpers.push(await launch(script('otlp-sink.ts'), { PORT: String(sinkPort) }, TS_NODE));
    await add('(f) ingress, traces to OTLP', (port) =>
      ingress(INGRESS_MAIN, port, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}` }),
    );
  }
  if (BASELINE_INGRESS) {
    await add('(g) ingress, baseline build', (port) => ingress(BASELINE_INGRESS, port, {}));
  }
  return { servers, helpers };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

async function main(): Promise<void> {
  let startedKafka = false;
  if (!process.env.KAFKA_BROKERS) {
    const kafka = await startLocalKafka({
      topics: BILLWERK_TOPICS.map((topic) => ({ topic, numPartitions: 3 })),
    });
    process.env.KAFKA_BROKERS = kafka.brokers;
    startedKafka = kafka.started;
  }
  console.log(
    `bench:ingress: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION} s per server ` +
      `(after ${WARM_UP_S} s of warm-up each), Kafka at ${process.env.KAFKA_BROKERS}\n`,
  );

  const { servers, helpers } = await startServers();
  const rounds = servers.map((): Round[] => []);
  // Interleaved rounds, each starting at a different server: drift in the machine's load (other
  // tenants, the broker compacting) spreads over every server instead of skewing one.
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let step = 0; step < servers.length; step += 1) {
      const index = (round + step) % servers.length;
      const measured = await measureRound(servers[index]);
      rounds[index].push(measured);
      console.log(
        `round ${round + 1}/${ROUNDS}  ${servers[index].name.padEnd(36)} ${measured.rps.toFixed(0).padStart(7)} req/s  p99 ${measured.p99} ms`,
      );
    }
  }
  const results = servers.map((server, index) => ({
    name: server.name,
    rounds: rounds[index],
    peakRssMb: peakRssMb(server.child.pid as number),
  }));
  await Promise.all([...servers.map((server) => stop(server.child)), ...helpers.map(stop)]);

  console.log(`\n${table(results)}\n(medians over the rounds; range: slowest-fastest round)\n`);
  const index = (letter: string) => results.findIndex((r) => r.name.startsWith(`(${letter})`));
  const rps = (letter: string) => median(results[index(letter)].rounds.map((round) => round.rps));
  const has = (...letters: string[]) => letters.every((letter) => index(letter) >= 0);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  if (has('a', 'c')) {
    const ratio = rps('c') / rps('a');
    console.log(
      `(c)/(a) throughput: ${ratio.toFixed(2)}  (target >= 0.60: ${verdict(ratio >= 0.6)})`,
    );
  }
  if (has('b', 'c')) {
    const ratio = rps('c') / rps('b');
    console.log(
      `(c)/(b) throughput: ${ratio.toFixed(2)}  (target >= 2.00: ${verdict(ratio >= 2)})`,
    );
  }
  if (has('c')) {
    const p99 = median(results[index('c')].rounds.map((round) => round.p99));
    console.log(
      `(c) p99 latency:    ${p99.toFixed(1)} ms (target <= 50 ms: ${verdict(p99 <= 50)})`,
    );
  }
  if (has('d', 'e')) {
    const [d, e] = [rps('d'), rps('e')];
    console.log(
      `Fastify/Express:    ${(e / d).toFixed(2)}  (the ingress runs on ${e >= d ? 'Fastify, the faster' : 'Fastify, though Express measured faster here'})`,
    );
  }
  if (has('c', 'f')) {
    console.log(
      `(f)/(c) throughput: ${(rps('f') / rps('c')).toFixed(2)}  (the cost of exporting every span)`,
    );
  }
  if (has('c', 'g')) {
    console.log(
      `(c)/(g) throughput: ${(rps('c') / rps('g')).toFixed(2)}  (this build against the baseline)`,
    );
  }

  if (startedKafka) await stopLocalKafka();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
