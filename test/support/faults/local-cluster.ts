import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import {
  activeController,
  startKafkaNode,
  startLocalKafka,
  stopKafkaNode,
  stopLocalKafka,
  type LocalKafkaOptions,
} from '../../../tools/kafka/local-kafka';
import { clientSasl } from '../../../tools/kafka/scram';
import { LocalBroker } from './broker-process';

export interface LocalClusterOptions {
  nodes: number;
  /** Client port of node 1; node n listens on `port + n - 1`, its controller on `port + nodes + n - 1`. */
  port: number;
  heapMb?: number;
  /** Created with replication factor min(3, nodes), min.insync.replicas 2 at 3. */
  topics?: Array<{ topic: string; numPartitions: number }>;
  scram?: { users: Record<string, string> };
  /** A second client listener per node for clients behind TCP proxies (see the launcher). */
  proxiedListener?: LocalKafkaOptions['proxiedListener'];
}

/** One node of the cluster: freeze(), thaw(), freezeFor(ms), kill(), restart(), stop(), pid, port. */
export type ClusterNode = LocalBroker;

async function poll<T>(
  what: string,
  timeoutMs: number,
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${what} not within ${timeoutMs} ms${cause}`);
    }
    await new Promise((done) => setTimeout(done, 250));
  }
}

/**
 * A private KRaft cluster of combined broker+controller nodes started by the local launcher, whose
 * nodes a fault test may freeze, kill and restart one by one. Questions to the cluster go only to
 * nodes that run and are not frozen, so a frozen node never stalls them.
 */
export class LocalCluster {
  private constructor(
    private readonly launcher: LocalKafkaOptions,
    readonly brokers: string,
    private readonly nodes: Map<number, ClusterNode>,
  ) {}

  /** The super user's client settings in SCRAM mode (what the cluster's own questions use). */
  get adminSasl(): SASLOptions | undefined {
    return this.launcher.scram && clientSasl(this.launcher.scram);
  }

  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    const launcher: LocalKafkaOptions = {
      nodes: options.nodes,
      port: options.port,
      heapMb: options.heapMb,
      topics: options.topics,
      proxiedListener: options.proxiedListener,
      scram: options.scram,
      log: () => undefined,
    };
    const kafka = await startLocalKafka(launcher);
    const nodes = new Map<number, ClusterNode>();
    for (const node of kafka.nodes) {
      if (node.pid === undefined) {
        await stopLocalKafka(launcher);
        throw new Error(`node ${node.id} of the cluster on ${kafka.brokers} has no pid file`);
      }
      const control = {
        start: async () => {
          const started = await startKafkaNode(launcher, node.id);
          if (started.pid === undefined) throw new Error(`restarted node ${node.id} has no pid`);
          return started.pid;
        },
        stop: async () => {
          await stopKafkaNode(launcher, node.id);
        },
      };
      nodes.set(node.id, new LocalBroker(control, node.pid, node.port));
    }
    return new LocalCluster(launcher, kafka.brokers, nodes);
  }

  get nodeIds(): number[] {
    return [...this.nodes.keys()];
  }

  node(id: number): ClusterNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id} (nodes: ${this.nodeIds.join(', ')})`);
    return node;
  }

  /** The node id leading the partition, waiting (up to 30 s) while it has no leader. */
  async leaderOf(topic: string, partition: number): Promise<number> {
    return poll(`a leader for ${topic}-${partition}`, 30_000, () =>
      this.withAdmin(async (admin) => {
        const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
        const found = metadata.topics[0]?.partitions.find((p) => p.partitionId === partition);
        if (found === undefined) throw new Error(`no partition ${topic}-${partition}`);
        return found.leader >= 0 ? found.leader : undefined;
      }),
    );
  }

  /** The node id of the active KRaft controller (the quorum's leader), asked of a live node. */
  async activeController(): Promise<number> {
    return poll('an active controller', 30_000, async () => {
      const leader = await activeController(this.launcher, this.reachable());
      return leader >= 0 ? leader : undefined;
    });
  }

  /** Resolves once every partition of `topics` has all its replicas in sync. */
  async waitUntilFullyReplicated(topics: string[], timeoutMs = 60_000): Promise<void> {
    await poll(`${topics.join(', ')} fully replicated`, timeoutMs, () =>
      this.withAdmin(async (admin) => {
        const metadata = await admin.fetchTopicMetadata({ topics });
        const lagging = metadata.topics.flatMap((t) =>
          t.partitions.filter((p) => p.leader < 0 || p.isr.length < p.replicas.length),
        );
        return lagging.length === 0 ? true : undefined;
      }),
    );
  }

  /** Thaws and stops every node. */
  async stop(): Promise<void> {
    for (const node of this.nodes.values()) node.thaw();
    await stopLocalKafka(this.launcher);
  }

  /** The bootstrap list of nodes that run and are not frozen. */
  private reachable(): string {
    const live = [...this.nodes.values()].filter((n) => n.isAlive && !n.isFrozen);
    if (live.length === 0) throw new Error('no node of the cluster runs unfrozen');
    return live.map((n) => n.brokers).join(',');
  }

  private async withAdmin<T>(use: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
    const kafka = new Kafka({
      clientId: 'local-cluster',
      brokers: this.reachable().split(','),
      sasl: this.adminSasl,
      connectionTimeout: 1000,
      requestTimeout: 5000,
      retry: { retries: 2 },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  }
}
