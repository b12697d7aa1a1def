/**
 * A real Kafka (KRaft) on 127.0.0.1 without Docker: one node, or a 3-node cluster. Kafka's jars come
 * from Maven Central through Maven into `.cache/kafka/<version>/libs`, storage is formatted once, and
 * every node runs detached with its pid and log under `.cache/kafka/run-<port>/` (a cluster: one
 * `node-<id>/` folder per node there).
 *
 * Every node is a combined broker+controller (`process.roles=broker,controller`) with a static
 * quorum of all nodes (`controller.quorum.voters`): three JVMs instead of six on a 2-core machine,
 * and the combined KRaft mode Apache Kafka's own system tests run their replication tests in. The
 * price: killing a node kills a voter too, so a kill of the active controller is also a broker kill.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import {
  ensureTlsMaterial,
  tlsFiles,
  tlsJavaClientSettings,
  tlsServerSettings,
  type TlsFiles,
} from './tls';
import { KafkaLauncherError } from './launcher-error';
import {
  aclEntries,
  appliedAcls,
  applyAcls,
  clientSasl,
  javaClientSettings,
  scramDigest,
  scramFormatArgs,
  scramServerSettings,
  validateScram,
  type ScramOptions,
} from './scram';

export { KafkaLauncherError } from './launcher-error';
export type { ScramOptions } from './scram';

export const DEFAULT_KAFKA_VERSION = '3.9.1';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const REPO_ROOT = resolve(__dirname, '..', '..');
const execFileAsync = promisify(execFile);

export interface LocalKafkaOptions {
  version?: string;
  /** 1 (default) or 3 combined broker+controller nodes. */
  nodes?: number;
  /** Client port of node 1; node n listens on `port + n - 1`. */
  port?: number;
  /** Controller port of node 1 (default `port + 1` for one node, `port + nodes` for a cluster). */
  controllerPort?: number;
  /** Where jars, storage, pids and logs live. */
  cacheDir?: string;
  /** Heap of each node's JVM (default 512 MiB for one node, 384 MiB each in a cluster). */
  heapMb?: number;
  /** Topics to create once the brokers answer. */
  topics?: Array<{ topic: string; numPartitions: number }>;
  /**
   * A second client listener per node, `PROXIED` on `port + n - 1`, advertised as
   * `advertisedPort + n - 1`: clients that bootstrap from the advertised ports reach every broker
   * only there, where a fault test puts TCP proxies (a network fault for some clients only).
   */
  proxiedListener?: { port: number; advertisedPort: number };
  /**
   * SASL/SCRAM-SHA-512 on the client listener for these users (created when the storage is
   * formatted), ACLs from libs/contracts/src/kafka-acls.ts, `admin` the super user.
   */
  scram?: ScramOptions;
  /** SASL_SSL instead of SASL_PLAINTEXT (needs `scram`): a self-signed certificate, see tls.ts. */
  tls?: boolean;
  log?: (line: string) => void;
}

export interface RunningNode {
  id: number;
  port: number;
  controllerPort: number;
  pid: number | undefined;
  logFile: string;
}

export interface RunningKafka {
  /** Comma-separated `host:port` of every node. */
  brokers: string;
  /** False when every node was already running and was reused. */
  started: boolean;
  /** Node 1's JVM. */
  pid: number | undefined;
  /** Node 1's log. */
  logFile: string;
  runDir: string;
  nodes: RunningNode[];
  /** In TLS mode: the PEM certificate clients must trust. */
  caFile: string | undefined;
}

/** How the launcher's own clients connect: as the super user, over TLS in TLS mode. */
export interface ClientSecurity {
  sasl?: SASLOptions;
  ssl?: { ca: string[] };
}

interface NodeLayout {
  id: number;
  port: number;
  controllerPort: number;
  /** The run folder itself for a single node (the layout before clusters), `node-<id>/` otherwise. */
  dir: string;
  pidFile: string;
  logFile: string;
}

interface Resolved {
  version: string;
  port: number;
  cacheDir: string;
  runDir: string;
  heapMb: number;
  nodes: NodeLayout[];
  proxiedListener: LocalKafkaOptions['proxiedListener'];
  scram: ScramOptions | undefined;
  /** The super user's client credentials in SCRAM mode. */
  sasl: SASLOptions | undefined;
  tls: TlsFiles | undefined;
  log: (line: string) => void;
}

const SUPPORTED_NODES = [1, 3];

function resolveOptions(options: LocalKafkaOptions): Resolved {
  const nodeCount = options.nodes ?? 1;
  if (!SUPPORTED_NODES.includes(nodeCount)) {
    throw new KafkaLauncherError(`nodes must be 1 or 3 (got ${nodeCount})`);
  }
  if (options.proxiedListener && (options.scram || options.tls)) {
    // The second listener is plaintext: with it, SCRAM or TLS would have an open way around.
    throw new KafkaLauncherError(
      'proxiedListener is for plaintext clusters only (no scram, no tls)',
    );
  }
  const port = options.port ?? Number(process.env.KAFKA_PORT ?? 9092);
  // KAFKA_CONTROLLER_PORT goes with KAFKA_PORT: an explicit port gets controller ports beside it.
  const envControllerPort =
    options.port === undefined ? process.env.KAFKA_CONTROLLER_PORT : undefined;
  const controllerPort =
    options.controllerPort ??
    (envControllerPort !== undefined ? Number(envControllerPort) : port + nodeCount);
  const cacheDir = options.cacheDir ?? join(REPO_ROOT, '.cache', 'kafka');
  const runDir = join(cacheDir, `run-${port}`);
  const nodes = Array.from({ length: nodeCount }, (_, index): NodeLayout => {
    const dir = nodeCount === 1 ? runDir : join(runDir, `node-${index + 1}`);
    return {
      id: index + 1,
      port: port + index,
      controllerPort: controllerPort + index,
      dir,
      pidFile: join(dir, 'kafka.pid'),
      logFile: join(dir, 'kafka.log'),
    };
  });
  const clientPorts = nodes.map((n) => n.port);
  const clash = nodes.find((n) => clientPorts.includes(n.controllerPort));
  if (clash) {
    throw new KafkaLauncherError(
      `controller port ${clash.controllerPort} is also a client port (${clientPorts.join(', ')}): set another KAFKA_CONTROLLER_PORT`,
    );
  }
  if (options.scram) validateScram(options.scram);
  if (options.tls && !options.scram) {
    throw new KafkaLauncherError('tls needs scram: the TLS listener is SASL_SSL');
  }
  return {
    version: options.version ?? process.env.KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION,
    port,
    cacheDir,
    runDir,
    heapMb: options.heapMb ?? Number(process.env.KAFKA_HEAP_MB ?? (nodeCount === 1 ? 512 : 384)),
    nodes,
    proxiedListener: options.proxiedListener,
    scram: options.scram,
    sasl: options.scram && clientSasl(options.scram),
    tls: options.tls ? tlsFiles(runDir) : undefined,
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

function pomFor(version: string, artifact: string): string {
  const logging = isKafka4(version)
    ? ['log4j-slf4j-impl', 'log4j-api', 'log4j-core'].map((name) =>
        dependency('org.apache.logging.log4j', name, '2.24.3'),
      )
    : [
        dependency('ch.qos.reload4j', 'reload4j', '1.2.25'),
        dependency('org.slf4j', 'slf4j-reload4j', '1.7.36'),
      ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>billwerk-bridge</groupId>
  <artifactId>local-${artifact}</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${[dependency('org.apache.kafka', artifact, version), ...logging].join('\n')}
  </dependencies>
</project>
`;
}

function dependency(groupId: string, artifactId: string, version: string): string {
  return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
}

/** Downloads an artifact's runtime classpath with Maven (once) into `<dir>/libs`. */
function resolveClasspath(o: Resolved, artifact: string, dir: string): string {
  const libs = join(dir, 'libs');
  const marker = join(dir, '.resolved');
  if (existsSync(marker)) return libs;
  requireCommand('mvn', ['-v'], MAVEN_HINT);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pomFor(o.version, artifact));
  o.log(`resolving org.apache.kafka:${artifact}:${o.version} with Maven into ${libs}`);
  rmSync(libs, { recursive: true, force: true });
  const result = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      join(dir, 'pom.xml'),
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

/** Downloads Kafka's runtime classpath with Maven (once per version) and returns the jar folder. */
export function resolveKafka(options: LocalKafkaOptions = {}): string {
  return kafkaLibs(resolveOptions(options));
}

function kafkaLibs(o: Resolved): string {
  return resolveClasspath(o, 'kafka_2.13', join(o.cacheDir, o.version));
}

/**
 * Kafka's command-line tools (kafka-tools, not on the broker's classpath), resolved on first use
 * into a folder of their own so the broker's jars are never re-resolved under running brokers.
 */
function resolveKafkaTools(o: Resolved): string {
  return resolveClasspath(o, 'kafka-tools', join(o.cacheDir, `${o.version}-tools`));
}

function clientProtocol(o: Resolved): 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SASL_SSL' {
  if (!o.scram) return 'PLAINTEXT';
  return o.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
}

/** How the launcher's clients connect to its brokers. */
function security(o: Resolved): ClientSecurity {
  return {
    sasl: o.sasl,
    ...(o.tls && { ssl: { ca: [readFileSync(o.tls.caFile, 'utf8')] } }),
  };
}

/** Replication factor min(3, nodes); with 3 copies a write needs 2 of them (acks=all). */
function replication(nodeCount: number): { factor: number; minInsync: number } {
  const factor = Math.min(3, nodeCount);
  return { factor, minInsync: factor === 3 ? 2 : 1 };
}

function serverProperties(o: Resolved, node: NodeLayout): string {
  const { factor, minInsync } = replication(o.nodes.length);
  const client = clientProtocol(o);
  const settings: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': o.nodes
      .map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`)
      .join(','),
    listeners: `${client}://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'advertised.listeners': `${client}://127.0.0.1:${node.port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': join(node.dir, 'data'),
    'num.partitions': 1,
    'default.replication.factor': factor,
    'min.insync.replicas': minInsync,
    'unclean.leader.election.enable': 'false',
    'offsets.topic.replication.factor': factor,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': factor,
    'transaction.state.log.min.isr': minInsync,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'log.cleaner.dedupe.buffer.size': 1048577,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'auto.create.topics.enable': 'false',
    ...(o.scram && scramServerSettings(o.scram, o.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT')),
    ...(o.tls && tlsServerSettings(o.tls)),
  };
  if (o.proxiedListener) {
    const offset = node.id - 1;
    settings.listeners += `,PROXIED://127.0.0.1:${o.proxiedListener.port + offset}`;
    settings['advertised.listeners'] +=
      `,PROXIED://127.0.0.1:${o.proxiedListener.advertisedPort + offset}`;
    settings['listener.security.protocol.map'] += ',PROXIED:PLAINTEXT';
  }
  if (isKafka4(o.version)) {
    settings['share.coordinator.state.topic.replication.factor'] = factor;
    settings['share.coordinator.state.topic.min.isr'] = minInsync;
  }
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

/** Brokers log INFO to their log file (stdout); tools log only warnings, to stderr. */
function loggingConfig(o: Resolved, forTool = false): { file: string; property: string } {
  const level = forTool ? 'WARN' : 'INFO';
  const prefix = forTool ? 'tools-' : '';
  if (isKafka4(o.version)) {
    const file = join(o.runDir, `${prefix}log4j2.properties`);
    writeFileSync(
      file,
      [
        `rootLogger.level=${level}`,
        'rootLogger.appenderRef.stdout.ref=STDOUT',
        'appender.stdout.type=Console',
        'appender.stdout.name=STDOUT',
        `appender.stdout.target=${forTool ? 'SYSTEM_ERR' : 'SYSTEM_OUT'}`,
        'appender.stdout.layout.type=PatternLayout',
        'appender.stdout.layout.pattern=[%d] %p %m (%c)%n',
      ].join('\n'),
    );
    return { file, property: `-Dlog4j2.configurationFile=${file}` };
  }
  const file = join(o.runDir, `${prefix}log4j.properties`);
  writeFileSync(
    file,
    [
      `log4j.rootLogger=${level}, stdout`,
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      `log4j.appender.stdout.Target=${forTool ? 'System.err' : 'System.out'}`,
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

function address(node: NodeLayout): string {
  return `127.0.0.1:${node.port}`;
}

/** No retries for probes; creating topics retries, as a cluster's metadata spreads in moments. */
function adminClient(brokers: string, client: ClientSecurity, retries = 0): Kafka {
  return new Kafka({
    clientId: 'local-kafka-launcher',
    brokers: brokers.split(','),
    ...client,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries },
    logLevel: logLevel.NOTHING,
  });
}

/** How many brokers the cluster has registered, as the broker at `brokers` says; 0 if it does not answer. */
async function registeredBrokers(brokers: string, client: ClientSecurity): Promise<number> {
  const admin = adminClient(brokers, client).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.length;
  } catch {
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Whether a broker answers a metadata request at `brokers` right now. */
export async function kafkaAnswers(brokers: string, client: ClientSecurity = {}): Promise<boolean> {
  return (await registeredBrokers(brokers, client)) > 0;
}

async function createTopics(
  o: Resolved,
  brokers: string,
  topics: Array<{ topic: string; numPartitions: number }>,
): Promise<void> {
  const { factor, minInsync } = replication(o.nodes.length);
  const admin = adminClient(brokers, security(o), 8).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((t) => ({
          ...t,
          replicationFactor: factor,
          ...(factor > 1 && {
            configEntries: [
              { name: 'min.insync.replicas', value: String(minInsync) },
              { name: 'unclean.leader.election.enable', value: 'false' },
            ],
          }),
        })),
        // KafkaJS's wait gives up too early on a cluster (see waitForLeaders).
        waitForLeaders: false,
      });
    }
  } finally {
    await admin.disconnect();
  }
  const names = topics.map((t) => t.topic);
  await Promise.all(o.nodes.map((node) => waitForLeaders(address(node), security(o), names)));
}

/**
 * Until the node at `broker` knows a leader for every partition and the leaders answer for them.
 * A cluster's nodes apply a new topic moments apart, and KafkaJS's own `waitForLeaders` gives up on
 * UNKNOWN_TOPIC_OR_PARTITION from one that has not yet: clients asking right after start would get
 * it too. Metadata names a leader before that leader has opened the partition's log, so a client's
 * first ListOffsets could still meet NOT_LEADER_OR_FOLLOWER: listing offsets is the proof.
 */
async function waitForLeaders(
  broker: string,
  client: ClientSecurity,
  topics: string[],
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const admin = adminClient(broker, client).admin();
    const led = await admin
      .connect()
      .then(() => admin.fetchTopicMetadata({ topics }))
      .then(async (metadata) => {
        if (!metadata.topics.every((t) => t.partitions.every((p) => p.leader >= 0))) return false;
        await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
        return true;
      })
      .catch(() => false)
      .finally(() => admin.disconnect());
    if (led) return;
    if (Date.now() > deadline) {
      throw new KafkaLauncherError(
        `${broker} knows no leaders for every partition of ${topics.join(', ')} after 60 s`,
      );
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** What the run folder's storage was formatted for; a cluster's nodes share one cluster id. */
interface FormatRecord {
  clusterId: string;
  nodes: number;
  /** Digest of the SCRAM users and passwords formatted in; null without SCRAM. */
  scram: string | null;
}

function describeFormat(nodes: number, scram: string | null): string {
  return `${nodes} node(s) ${scram === null ? 'without SCRAM' : 'with SCRAM users'}`;
}

function formatRecordFile(o: Resolved): string {
  return join(o.runDir, 'format.json');
}

/** The record of the storage there is, checked against what is asked for; undefined if none. */
function existingFormat(o: Resolved): FormatRecord | undefined {
  const file = formatRecordFile(o);
  let record: FormatRecord | undefined;
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<FormatRecord>;
    record = stored as FormatRecord;
    record.scram = stored.scram ?? null;
  } else {
    // A single node's storage from before clusters existed has no record: adopt it.
    const meta = join(o.runDir, 'data', 'meta.properties');
    const clusterId = existsSync(meta)
      ? /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1]
      : undefined;
    if (clusterId !== undefined) record = { clusterId, nodes: 1, scram: null };
  }
  const scram = o.scram ? scramDigest(o.scram) : null;
  if (record !== undefined && (record.nodes !== o.nodes.length || record.scram !== scram)) {
    const wanted =
      record.scram !== null && scram !== null
        ? 'other SCRAM users or passwords'
        : describeFormat(o.nodes.length, scram);
    throw new KafkaLauncherError(
      `${o.runDir} holds the storage of ${describeFormat(record.nodes, record.scram)}, not ${wanted}: stop it (npm run kafka:stop), delete that folder (its topics go with it), or use another KAFKA_PORT`,
    );
  }
  return record;
}

function formatFor(o: Resolved): FormatRecord {
  const existing = existingFormat(o);
  if (existing !== undefined) return existing;
  const record: FormatRecord = {
    clusterId: newClusterId(),
    nodes: o.nodes.length,
    scram: o.scram ? scramDigest(o.scram) : null,
  };
  mkdirSync(o.runDir, { recursive: true });
  writeFileSync(formatRecordFile(o), JSON.stringify(record));
  return record;
}

/** Runs a Java tool; `what` names it in errors, which never echo arguments (they hold passwords). */
async function java(what: string, args: string[]): Promise<string> {
  return run('java', what, args);
}

async function run(command: string, what: string, args: string[]): Promise<string> {
  try {
    return (await execFileAsync(command, args, { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const { stderr, stdout, message } = error as {
      stderr?: string;
      stdout?: string;
      message: string;
    };
    const output = `${stdout ?? ''}${stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    throw new KafkaLauncherError(`${what} failed: ${output || message}`);
  }
}

/** Formats the node's storage if needed and starts its JVM detached; resolves with its pid. */
async function launchNode(
  o: Resolved,
  node: NodeLayout,
  record: FormatRecord,
  libs: string,
): Promise<number> {
  mkdirSync(node.dir, { recursive: true });
  const properties = join(node.dir, 'server.properties');
  // 0600: in SCRAM mode it holds the super user's password.
  writeFileSync(properties, serverProperties(o, node), { mode: 0o600 });
  chmodSync(properties, 0o600);
  const logging = loggingConfig(o);
  const classpath = `${libs}/*`;
  if (!existsSync(join(node.dir, 'data', 'meta.properties'))) {
    await java(`formatting the storage of node ${node.id}`, [
      logging.property,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      record.clusterId,
      '-c',
      properties,
      ...(o.scram ? scramFormatArgs(o.scram) : []),
    ]);
  }
  const out = openSync(node.logFile, 'a');
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
  if (child.pid === undefined)
    throw new KafkaLauncherError(`java did not start for node ${node.id}`);
  writeFileSync(node.pidFile, String(child.pid));
  o.log(
    `started Kafka ${o.version} node ${node.id} (pid ${child.pid}) on ${address(node)}; log: ${node.logFile}`,
  );
  return child.pid;
}

/** Waits until the node's broker says `brokers` brokers are registered; fails if its JVM exits. */
async function waitForNode(o: Resolved, node: NodeLayout, brokers: number): Promise<void> {
  const pid = readPid(node.pidFile);
  const deadline = Date.now() + 120_000;
  while ((await registeredBrokers(address(node), security(o))) < brokers) {
    if (!alive(pid)) {
      const tail = existsSync(node.logFile)
        ? readFileSync(node.logFile, 'utf8').trim().split('\n').slice(-3)
        : [];
      throw new KafkaLauncherError(
        `Kafka node ${node.id} exited during start-up: ${tail.join(' | ')} (see ${node.logFile})`,
      );
    }
    if (Date.now() > deadline) {
      throw new KafkaLauncherError(
        `Kafka node ${node.id} did not answer on ${address(node)} with ${brokers} broker(s) within 120 s (see ${node.logFile})`,
      );
    }
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** Starts the nodes that neither answer nor run, without waiting; returns how many it started. */
async function launchMissing(o: Resolved, nodes: NodeLayout[]): Promise<number> {
  const down = [];
  for (const node of nodes) {
    if (await kafkaAnswers(address(node), security(o))) continue;
    const stale = readPid(node.pidFile);
    if (alive(stale))
      o.log(`node ${node.id} (pid ${stale}) is alive but not answering; waiting for it`);
    else down.push(node);
  }
  if (down.length === 0) return 0;
  requireCommand('java', ['-version'], JAVA_HINT);
  const libs = kafkaLibs(o);
  const record = formatFor(o);
  // In parallel: a quorum of 3 elects no leader until 2 voters run, so each waits for the others.
  await Promise.all(down.map((node) => launchNode(o, node, record, libs)));
  return down.length;
}

function running(o: Resolved, started: boolean): RunningKafka {
  const nodes = o.nodes.map((node) => ({
    id: node.id,
    port: node.port,
    controllerPort: node.controllerPort,
    pid: readPid(node.pidFile),
    logFile: node.logFile,
  }));
  return {
    brokers: o.nodes.map(address).join(','),
    started,
    pid: nodes[0].pid,
    logFile: nodes[0].logFile,
    runDir: o.runDir,
    nodes,
    caFile: o.tls?.caFile,
  };
}

/**
 * Starts the node or cluster (reusing nodes that already run) and resolves once every node answers
 * with all brokers registered, after creating `topics`.
 */
export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<RunningKafka> {
  const o = resolveOptions(options);
  existingFormat(o);
  if (o.tls) await ensureTlsMaterial(o.tls, run);
  const launched = await launchMissing(o, o.nodes);
  await Promise.all(o.nodes.map((node) => waitForNode(o, node, o.nodes.length)));
  const kafka = running(o, launched > 0);
  if (options.topics) await createTopics(o, kafka.brokers, options.topics);
  if (o.sasl) await createAcls(o, kafka.brokers);
  return kafka;
}

/**
 * Applies the ACL table as the super user and waits until every node enforces all of it, so a
 * client right after start is never refused by a node that has not applied them yet.
 */
async function createAcls(o: Resolved, brokers: string): Promise<void> {
  const acl = aclEntries();
  const admin = adminClient(brokers, security(o), 8).admin();
  await admin.connect();
  try {
    await applyAcls(admin, acl);
  } finally {
    await admin.disconnect();
  }
  const deadline = Date.now() + 60_000;
  for (const node of o.nodes) {
    const nodeAdmin = adminClient(address(node), security(o), 8).admin();
    await nodeAdmin.connect();
    try {
      while ((await appliedAcls(nodeAdmin)) < acl.length) {
        if (Date.now() > deadline) {
          throw new KafkaLauncherError(`node ${node.id} did not apply the ACLs within 60 s`);
        }
        await new Promise((done) => setTimeout(done, 200));
      }
    } finally {
      await nodeAdmin.disconnect();
    }
  }
}

/** The folder of storage, pids, logs and secrets of the launcher on that port. */
export function localKafkaRunDir(options: LocalKafkaOptions = {}): string {
  return resolveOptions({ ...options, scram: undefined, tls: undefined }).runDir;
}

/** Where `kafka:start --scram` keeps the generated credentials of the launcher on that port. */
export function scramCredentialsFile(options: LocalKafkaOptions = {}): string {
  return join(localKafkaRunDir(options), 'scram-credentials.env');
}

function nodeLayout(o: Resolved, id: number): NodeLayout {
  const node = o.nodes.find((n) => n.id === id);
  if (node === undefined) {
    throw new KafkaLauncherError(`no node ${id}: node ids are 1..${o.nodes.length}`);
  }
  return node;
}

/** Starts one node of a cluster started before (after a kill or stop) on its own storage. */
export async function startKafkaNode(options: LocalKafkaOptions, id: number): Promise<RunningNode> {
  const o = resolveOptions(options);
  const node = nodeLayout(o, id);
  if (existingFormat(o) === undefined) {
    throw new KafkaLauncherError(`no storage in ${o.runDir}: start the whole cluster first`);
  }
  if (o.tls) await ensureTlsMaterial(o.tls, run);
  await launchMissing(o, [node]);
  await waitForNode(o, node, 1);
  return running(o, true).nodes[id - 1];
}

async function stopPid(o: Resolved, pidFile: string): Promise<boolean> {
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
    o.log(`Kafka pid ${pid} ignored SIGTERM for 30 s; killing it`);
    signal('SIGKILL');
    while (alive(pid)) await new Promise((done) => setTimeout(done, 50));
  }
  rmSync(pidFile, { force: true });
  return true;
}

/**
 * Stops whatever the launcher started on that port, a single node or every node of a cluster, and
 * waits until their processes are gone. False when nothing was running.
 */
export async function stopLocalKafka(options: LocalKafkaOptions = {}): Promise<boolean> {
  const o = resolveOptions({ ...options, nodes: 1 });
  const clusterNodes = existsSync(o.runDir)
    ? readdirSync(o.runDir)
        .filter((entry) => /^node-\d+$/.test(entry))
        .map((entry) => join(o.runDir, entry, 'kafka.pid'))
    : [];
  const stopped = await Promise.all(
    [join(o.runDir, 'kafka.pid'), ...clusterNodes].map((pidFile) => stopPid(o, pidFile)),
  );
  return stopped.includes(true);
}

/**
 * The node id of the active KRaft controller, as the quorum itself says (DescribeQuorum through
 * Kafka's MetadataQuorumCommand, LeaderId). Not MetadataResponse's controller id: in KRaft mode a
 * broker puts a random live broker there, for old clients, whatever the quorum's leader is.
 * `brokers` (default: every node) are the bootstrap servers to ask.
 */
export async function activeController(
  options: LocalKafkaOptions,
  brokers?: string,
): Promise<number> {
  const o = resolveOptions(options);
  const tools = resolveKafkaTools(o);
  const commandConfig = join(o.runDir, 'admin-client.properties');
  if (o.scram) {
    const settings = {
      ...javaClientSettings(o.scram, o.tls ? 'SASL_SSL' : 'SASL_PLAINTEXT'),
      ...(o.tls && tlsJavaClientSettings(o.tls)),
    };
    const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
    writeFileSync(commandConfig, lines.join('\n'), { mode: 0o600 });
    chmodSync(commandConfig, 0o600);
  }
  const status = await java('MetadataQuorumCommand describe --status', [
    loggingConfig(o, true).property,
    '-cp',
    `${tools}/*`,
    'org.apache.kafka.tools.MetadataQuorumCommand',
    '--bootstrap-server',
    brokers ?? o.nodes.map(address).join(','),
    ...(o.scram ? ['--command-config', commandConfig] : []),
    'describe',
    '--status',
  ]);
  const leader = /^LeaderId:\s*(-?\d+)\s*$/m.exec(status);
  if (leader === null) {
    throw new KafkaLauncherError(`MetadataQuorumCommand printed no LeaderId: ${status.trim()}`);
  }
  return Number(leader[1]);
}

/** Stops one node of a cluster (SIGTERM, SIGKILL after 30 s). False when it was not running. */
export async function stopKafkaNode(options: LocalKafkaOptions, id: number): Promise<boolean> {
  const o = resolveOptions(options);
  return stopPid(o, nodeLayout(o, id).pidFile);
}
