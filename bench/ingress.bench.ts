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
const DURATION = Number(process.env.BENCH_DURATION_S ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const TOKEN = 'bench-path-token-0123456789';
const TS_NODE = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  peakRssMb: number;
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

async function measure(name: string, port: number, child: ChildProcess): Promise<Result> {
  await load(port, 3); // warm-up: JIT, connection pools, producer metadata
  const result = await load(port, DURATION);
  const rss = peakRssMb(child.pid as number);
  child.kill('SIGTERM');
  await new Promise((done) => child.once('exit', done));
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    peakRssMb: rss,
  };
}

function table(results: Result[]): string {
  const rows = results.map((r) =>
    [
      r.name.padEnd(34),
      r.rps.toFixed(0).padStart(8),
      r.p50.toFixed(1).padStart(7),
      r.p99.toFixed(1).padStart(7),
      r.peakRssMb.toFixed(0).padStart(8),
      String(r.non2xx + r.errors).padStart(7),
    ].join(' '),
  );
  return [
    `${'server'.padEnd(34)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'RSS MB'.padStart(8)} ${'failed'.padStart(7)}`,
    ...rows,
  ].join('\n');
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
  const brokers = process.env.KAFKA_BROKERS;
  console.log(
    `bench:ingress — ${CONNECTIONS} connections, ${DURATION} s per server, Kafka at ${brokers}\n`,
  );

  const results: Result[] = [];
  const run = async (
    name: string,
    script: string,
    env: Record<string, string>,
    execArgv: string[],
  ) => {
    const port = 3900 + results.length;
    const child = await launch(script, { ...env, PORT: String(port) }, execArgv);
    results.push(await measure(name, port, child));
    console.log(table([results[results.length - 1]]).split('\n')[1]);
  };

  await run(
    '(a) bare node:http, no Kafka',
    join(__dirname, 'servers', 'bare-http.ts'),
    {},
    TS_NODE,
  );
  await run(
    '(b) node:http + KafkaJS per request',
    join(__dirname, 'servers', 'naive-kafka.ts'),
    {},
    TS_NODE,
  );

  const ingressPort = 3900 + results.length;
  const ingress = fork(join(ROOT, 'dist/apps/ingress/apps/ingress/src/main.js'), [], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      INGRESS_PORT: String(ingressPort),
      INGRESS_HOST: '127.0.0.1',
      INGRESS_PATH_TOKENS: `bench:${TOKEN}`,
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await waitForHttp(`http://127.0.0.1:${ingressPort}/health/ready`);
  results.push(await measure('(c) billwerk-bridge ingress', ingressPort, ingress));
  console.log(table([results[results.length - 1]]).split('\n')[1]);

  await run(
    '(d) Nest on Express, no Kafka',
    join(__dirname, 'servers', 'nest-adapter.ts'),
    { ADAPTER: 'express' },
    TS_NODE,
  );
  await run(
    '(e) Nest on Fastify, no Kafka',
    join(__dirname, 'servers', 'nest-adapter.ts'),
    { ADAPTER: 'fastify' },
    TS_NODE,
  );

  const [a, b, c, d, e] = results;
  console.log(`\n${table(results)}\n`);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `(c)/(a) throughput: ${(c.rps / a.rps).toFixed(2)}  (target >= 0.60: ${verdict(c.rps / a.rps >= 0.6)})`,
  );
  console.log(
    `(c)/(b) throughput: ${(c.rps / b.rps).toFixed(2)}  (target >= 2.00: ${verdict(c.rps / b.rps >= 2)})`,
  );
  console.log(
    `(c) p99 latency:    ${c.p99.toFixed(1)} ms (target <= 50 ms: ${verdict(c.p99 <= 50)})`,
  );
  console.log(
    `Fastify/Express:    ${(e.rps / d.rps).toFixed(2)}  (the ingress runs on ${e.rps >= d.rps ? 'Fastify, the faster' : 'Fastify, though Express measured faster here'})`,
  );

  if (startedKafka) await stopLocalKafka();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
