/**
 * A real single-node Kafka (KRaft, broker+controller) on 127.0.0.1 without Docker: Kafka's jars
 * come from Maven Central through Maven into `.cache/kafka/<version>/libs`, storage is formatted
 * once, and the broker runs detached with its pid and log under `.cache/kafka/run-<port>/`.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

export const DEFAULT_KAFKA_VERSION = '3.9.1';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const REPO_ROOT = resolve(__dirname, '..', '..');

export interface LocalKafkaOptions {
  version?: string;
  port?: number;
  controllerPort?: number;
  /** Where jars, storage, pid and log live. */
  cacheDir?: string;
  heapMb?: number;
  /** Topics to create once the broker answers. */
  topics?: Array<{ topic: string; numPartitions: number }>;
  log?: (line: string) => void;
}

export interface RunningKafka {
  brokers: string;
  /** False when a broker was already running and was reused. */
  started: boolean;
  pid: number | undefined;
  logFile: string;
}

/** A missing prerequisite; its message is the one line to show the user. */
export class KafkaLauncherError extends Error {}

interface Resolved {
  version: string;
  port: number;
  controllerPort: number;
  cacheDir: string;
  runDir: string;
  heapMb: number;
  log: (line: string) => void;
}

function resolveOptions(options: LocalKafkaOptions): Resolved {
  const port = options.port ?? Number(process.env.KAFKA_PORT ?? 9092);
  const cacheDir = options.cacheDir ?? join(REPO_ROOT, '.cache', 'kafka');
  return {
    version: options.version ?? process.env.KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION,
    port,
    controllerPort: options.controllerPort ?? Number(process.env.KAFKA_CONTROLLER_PORT ?? port + 1),
    cacheDir,
    runDir: join(cacheDir, `run-${port}`),
    heapMb: options.heapMb ?? Number(process.env.KAFKA_HEAP_MB ?? 512),
    log: options.log ?? ((line) => process.stderr.write(`[kafka] ${line}\n`)),
  };
}

function isKafka4(version: string): boolean {
  return Number(version.split('.')[0]) >= 4;
}

function requireCommand(command: string, args: string[], hint: string): void {
  // The env is passed explicitly so that a caller's (or a test's) process.env is the one searched.
  const probe = spawnSync(command, args, { stdio: 'ignore', env: process.env });
  if (probe.error) throw new KafkaLauncherError(hint);
}

const JAVA_HINT =
  'Java 17+ is required to run the local Kafka: install a JDK (e.g. `apt-get install openjdk-17-jre-headless`), or run Kafka with `docker compose up -d kafka` and set KAFKA_BROKERS=127.0.0.1:9092';
const MAVEN_HINT =
  'Maven is required to download Kafka for the local broker: install it (e.g. `apt-get install maven`), or run Kafka with `docker compose up -d kafka` and set KAFKA_BROKERS=127.0.0.1:9092';

function pomFor(version: string): string {
  const logging = isKafka4(version)
    ? ['log4j-slf4j-impl', 'log4j-api', 'log4j-core'].map((artifact) =>
        dependency('org.apache.logging.log4j', artifact, '2.24.3'),
      )
    : [
        dependency('ch.qos.reload4j', 'reload4j', '1.2.25'),
        dependency('org.slf4j', 'slf4j-reload4j', '1.7.36'),
      ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>billwerk-bridge</groupId>
  <artifactId>local-kafka</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${[dependency('org.apache.kafka', 'kafka_2.13', version), ...logging].join('\n')}
  </dependencies>
</project>
`;
}

function dependency(groupId: string, artifactId: string, version: string): string {
  return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
}

/** Downloads Kafka's runtime classpath with Maven (once per version) and returns the jar folder. */
export function resolveKafka(options: LocalKafkaOptions = {}): string {
  const o = resolveOptions(options);
  const versionDir = join(o.cacheDir, o.version);
  const libs = join(versionDir, 'libs');
  const marker = join(versionDir, '.resolved');
  if (existsSync(marker)) return libs;
  requireCommand('mvn', ['-v'], MAVEN_HINT);
  mkdirSync(versionDir, { recursive: true });
  writeFileSync(join(versionDir, 'pom.xml'), pomFor(o.version));
  o.log(`resolving org.apache.kafka:kafka_2.13:${o.version} with Maven into ${libs}`);
  rmSync(libs, { recursive: true, force: true });
  const result = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      join(versionDir, 'pom.xml'),
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libs}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-5);
    throw new KafkaLauncherError(
      `Maven could not resolve Kafka ${o.version}: ${output.join(' | ') || String(result.error)}`,
    );
  }
  writeFileSync(marker, new Date().toISOString());
  return libs;
}

function serverProperties(o: Resolved): string {
  const settings: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${o.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${o.port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': join(o.runDir, 'data'),
    'num.partitions': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'log.cleaner.dedupe.buffer.size': 1048577,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'auto.create.topics.enable': 'false',
  };
  if (isKafka4(o.version)) {
    settings['share.coordinator.state.topic.replication.factor'] = 1;
    settings['share.coordinator.state.topic.min.isr'] = 1;
  }
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

function loggingConfig(o: Resolved): { file: string; property: string } {
  if (isKafka4(o.version)) {
    const file = join(o.runDir, 'log4j2.properties');
    writeFileSync(
      file,
      [
        'rootLogger.level=INFO',
        'rootLogger.appenderRef.stdout.ref=STDOUT',
        'appender.stdout.type=Console',
        'appender.stdout.name=STDOUT',
        'appender.stdout.layout.type=PatternLayout',
        'appender.stdout.layout.pattern=[%d] %p %m (%c)%n',
      ].join('\n'),
    );
    return { file, property: `-Dlog4j2.configurationFile=${file}` };
  }
  const file = join(o.runDir, 'log4j.properties');
  writeFileSync(
    file,
    [
      'log4j.rootLogger=INFO, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
    ].join('\n'),
  );
  return { file, property: `-Dlog4j.configuration=file:${file}` };
}

/**
 * A KRaft cluster id. An id starting with '-' is read by StorageTool's argument parser as an option
 * ("argument --cluster-id/-t: expected one argument"), so, like Kafka's own Uuid.randomUuid, draw again.
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function adminClient(brokers: string): Kafka {
  return new Kafka({
    clientId: 'local-kafka-launcher',
    brokers: [brokers],
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
}

/** Whether a broker answers a metadata request at `brokers` right now. */
export async function kafkaAnswers(brokers: string): Promise<boolean> {
  const admin = adminClient(brokers).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function createTopics(
  brokers: string,
  topics: Array<{ topic: string; numPartitions: number }>,
): Promise<void> {
  const admin = adminClient(brokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((t) => ({ ...t, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Starts the broker (or reuses a running one) and resolves once it answers metadata requests. */
export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<RunningKafka> {
  const o = resolveOptions(options);
  const brokers = `127.0.0.1:${o.port}`;
  const pidFile = join(o.runDir, 'kafka.pid');
  const logFile = join(o.runDir, 'kafka.log');

  if (await kafkaAnswers(brokers)) {
    if (options.topics) await createTopics(brokers, options.topics);
    return { brokers, started: false, pid: readPid(pidFile), logFile };
  }
  requireCommand('java', ['-version'], JAVA_HINT);
  const libs = resolveKafka(options);

  mkdirSync(o.runDir, { recursive: true });
  const stale = readPid(pidFile);
  if (alive(stale)) {
    o.log(`broker pid ${stale} is alive but not answering; waiting for it`);
  } else {
    const properties = join(o.runDir, 'server.properties');
    writeFileSync(properties, serverProperties(o));
    const logging = loggingConfig(o);
    const classpath = `${libs}/*`;
    if (!existsSync(join(o.runDir, 'data', 'meta.properties'))) {
      execFileSync(
        'java',
        [
          logging.property,
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          newClusterId(),
          '-c',
          properties,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
    }
    const out = openSync(logFile, 'a');
    const child = spawn(
      'java',
      [
        `-Xms${Math.min(256, o.heapMb)}m`,
        `-Xmx${o.heapMb}m`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        logging.property,
        '-cp',
        classpath,
        'kafka.Kafka',
        properties,
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    closeSync(out);
    child.unref();
    writeFileSync(pidFile, String(child.pid));
    o.log(`started Kafka ${o.version} (pid ${child.pid}) on ${brokers}; log: ${logFile}`);
  }

  const pid = readPid(pidFile);
  const deadline = Date.now() + 120_000;
  while (!(await kafkaAnswers(brokers))) {
    if (!alive(pid)) {
      const tail = existsSync(logFile)
        ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-3)
        : [];
      throw new KafkaLauncherError(
        `Kafka exited during start-up: ${tail.join(' | ')} (see ${logFile})`,
      );
    }
    if (Date.now() > deadline) {
      throw new KafkaLauncherError(
        `Kafka did not answer on ${brokers} within 120 s (see ${logFile})`,
      );
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  if (options.topics) await createTopics(brokers, options.topics);
  return { brokers, started: true, pid, logFile };
}

/** Stops the broker this launcher started on that port and waits until its process is gone. */
export async function stopLocalKafka(options: LocalKafkaOptions = {}): Promise<boolean> {
  const o = resolveOptions(options);
  const pidFile = join(o.runDir, 'kafka.pid');
  const pid = readPid(pidFile);
  if (pid === undefined || !alive(pid)) {
    rmSync(pidFile, { force: true });
    return false;
  }
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pid, name);
    } catch {
      process.kill(pid, name);
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
  }
  if (alive(pid)) {
    o.log(`broker pid ${pid} ignored SIGTERM for 30 s; killing it`);
    signal('SIGKILL');
    while (alive(pid)) await new Promise((done) => setTimeout(done, 50));
  }
  rmSync(pidFile, { force: true });
  return true;
}
