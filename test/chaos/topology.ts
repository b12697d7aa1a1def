import {
  AUDIT_DLQ_TOPIC,
  AUDITED_TOPICS,
  BILLWERK_TOPICS,
  RETENTION_DLQ_TOPIC,
  type BillwerkTopic,
} from '@app/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { withPostgres } from '../support/databases';
import { SIM_DISCOUNTS } from '../../apps/billwerk-sim/src/domain/sim-catalog';
import { stopLocalKafka } from '../../tools/kafka/local-kafka';
import { LocalCluster } from '../support/faults/local-cluster';
import { AppInstance, ensureBuilt } from '../support/faults/app-instance';
import { OwnedPostgres } from '../support/faults/owned-postgres';
import { TcpProxy } from '../support/tcp-proxy';
import type { WinBackContract } from './hook-mix';

/** Every port the run uses, inside the private range 26000-26999. */
export const PORTS = {
  /** Client ports of nodes 1-3; their controllers are on 26095-26097. */
  kafka: 26092,
  /** A second client listener per node (26192-26194), advertised as its proxy's port. */
  proxiedListener: 26192,
  /** The TCP proxies in front of those listeners (26292-26294). */
  proxy: 26292,
  ingress: 26300,
  audit: [26310, 26311],
  retention: [26320, 26321],
  sim: 26330,
  postgres: 26400,
} as const;

/** Every topic the run writes or reads, created up front with 3 partitions. */
export const TOPICS = [...AUDITED_TOPICS, AUDIT_DLQ_TOPIC, RETENTION_DLQ_TOPIC];
/** The topic whose partition 0 leader the broker scenarios chase: the busiest one. */
export const LOADED_TOPIC: BillwerkTopic = 'billwerk.contract.v1';

export const HOOK_TOKEN = 'chaos-path-token-0123456789';
const AUDIT_TOKEN = 'chaos-audit-token-0123456789';
const RETENTION_TOKEN = 'chaos-retention-token-0123456789';
const SIM_CLIENT = { id: 'chaos-retention', secret: 'chaos-retention-secret' };
/** A 20 % discount of the simulator's catalogue: every win-back case carries an offer. */
const OFFER = SIM_DISCOUNTS[0].Id;
export const AUDIT_GROUP = 'billwerk-audit';
export const RETENTION_GROUP = 'billwerk-retention';

export interface TopologyOptions {
  /** Logs of every process go here. */
  runDir: string;
  log: (line: string) => void;
  /** Route the ingress, audit-1 and retention-1 through TCP proxies (the network stall). */
  proxied: boolean;
}

/** The audit's two PostgreSQL identities (docs/operations.md, Database roles). */
const AUDIT_ROLES = { owner: 'audit_owner', app: 'audit_app' };

function withUser(url: string, user: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  return parsed.toString();
}

/** The roles as docs/operations.md creates them (the server trusts local connections). */
async function createAuditRoles(database: string): Promise<void> {
  await withPostgres(database, async (client) => {
    await client.query(`CREATE ROLE ${AUDIT_ROLES.owner} LOGIN`);
    await client.query(`CREATE ROLE ${AUDIT_ROLES.app} LOGIN`);
    await client.query(`ALTER SCHEMA public OWNER TO ${AUDIT_ROLES.owner}`);
    await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await client.query(
      `REVOKE TEMPORARY ON DATABASE ${new URL(database).pathname.slice(1)} FROM PUBLIC`,
    );
  });
}

interface Played {
  contracts: Record<string, string>;
  deliveries: string[];
}

/**
 * The system under test: a 3-node cluster, the ingress, two audit and two retention instances in
 * their groups, the billwerk simulator, and a PostgreSQL server of its own for both stores. With
 * `proxied`, the ingress, audit-1 and retention-1 reach the brokers only through TCP proxies.
 */
export class Topology {
  readonly ingress: AppInstance;
  readonly audits: AppInstance[];
  readonly retentions: AppInstance[];
  readonly sim: AppInstance;

  private constructor(
    readonly cluster: LocalCluster,
    readonly postgres: OwnedPostgres,
    /** The audit database as its owner (superuser here: for the checks). */
    readonly auditDatabase: string,
    readonly retentionDatabase: string,
    readonly proxies: TcpProxy[],
    private readonly options: TopologyOptions,
  ) {
    const chainKey = randomBytes(36).toString('base64url');
    const direct = cluster.brokers;
    const proxied = proxies.length
      ? proxies.map((proxy) => `127.0.0.1:${proxy.port}`).join(',')
      : direct;
    const app = (appName: string, name: string, port: number, env: Record<string, string>) =>
      new AppInstance({
        app: appName,
        name,
        port,
        env,
        logFile: join(options.runDir, `${name}.log`),
      });
    this.sim = app('billwerk-sim', 'sim', PORTS.sim, {
      SIM_HOST: '127.0.0.1',
      SIM_PORT: String(PORTS.sim),
      SIM_CLIENT_ID: SIM_CLIENT.id,
      SIM_CLIENT_SECRET: SIM_CLIENT.secret,
      LOG_LEVEL: 'warn',
    });
    this.ingress = app('ingress', 'ingress', PORTS.ingress, {
      NODE_ENV: 'test',
      INGRESS_HOST: '127.0.0.1',
      INGRESS_PORT: String(PORTS.ingress),
      INGRESS_PATH_TOKENS: `chaos:${HOOK_TOKEN}`,
      KAFKA_BROKERS: proxied,
      KAFKA_REPLICATION_FACTOR: '3',
      LOG_LEVEL: 'warn',
    });
    this.audits = PORTS.audit.map((port, index) =>
      app('audit', `audit-${index + 1}`, port, {
        AUDIT_HOST: '127.0.0.1',
        AUDIT_PORT: String(port),
        AUDIT_API_TOKENS: AUDIT_TOKEN,
        AUDIT_GROUP_ID: AUDIT_GROUP,
        // As in production: migrations as the owner, the app as a role that may only append.
        NODE_ENV: 'production',
        AUDIT_MIGRATION_DATABASE_URL: withUser(auditDatabase, AUDIT_ROLES.owner),
        DATABASE_URL: withUser(auditDatabase, AUDIT_ROLES.app),
        AUDIT_APP_ROLE: AUDIT_ROLES.app,
        AUDIT_CHAIN_KEY: chainKey,
        KAFKA_BROKERS: index === 0 ? proxied : direct,
        KAFKA_REPLICATION_FACTOR: '3',
        LOG_LEVEL: 'info',
      }),
    );
    this.retentions = PORTS.retention.map((port, index) =>
      app('retention', `retention-${index + 1}`, port, {
        NODE_ENV: 'test',
        RETENTION_HOST: '127.0.0.1',
        RETENTION_PORT: String(port),
        RETENTION_API_TOKENS: RETENTION_TOKEN,
        RETENTION_GROUP_ID: RETENTION_GROUP,
        BILLWERK_API_URL: this.sim.url,
        BILLWERK_CLIENT_ID: SIM_CLIENT.id,
        BILLWERK_CLIENT_SECRET: SIM_CLIENT.secret,
        DATABASE_URL: retentionDatabase,
        KAFKA_BROKERS: index === 0 ? proxied : direct,
        KAFKA_REPLICATION_FACTOR: '3',
        RETENTION_OFFER_RULES: `*=${OFFER}`,
        RETENTION_RELAY_INTERVAL_MS: '200',
        RETENTION_PENDING_RETRY_MS: '1000',
        LOG_LEVEL: 'info',
      }),
    );
  }

  static async start(options: TopologyOptions): Promise<Topology> {
    mkdirSync(options.runDir, { recursive: true });
    ensureBuilt(['ingress', 'audit', 'retention', 'billwerk-sim'], options.log);
    // A fresh cluster every run: committed offsets and audit checkpoints of an earlier run
    // would not match the new databases. The launcher keeps a cluster under run-<port>.
    await stopLocalKafka({ nodes: 3, port: PORTS.kafka, log: () => undefined });
    rmSync(join(__dirname, '..', '..', '.cache', 'kafka', `run-${PORTS.kafka}`), {
      recursive: true,
      force: true,
    });
    options.log('starting the 3-node cluster and PostgreSQL');
    const [cluster, postgres] = await Promise.all([
      LocalCluster.start({
        nodes: 3,
        port: PORTS.kafka,
        topics: TOPICS.map((topic) => ({ topic, numPartitions: 3 })),
        ...(options.proxied
          ? { proxiedListener: { port: PORTS.proxiedListener, advertisedPort: PORTS.proxy } }
          : {}),
      }),
      OwnedPostgres.start(PORTS.postgres),
    ]);
    const proxies: TcpProxy[] = [];
    try {
      if (options.proxied) {
        for (const [index] of cluster.nodeIds.entries()) {
          const proxy = new TcpProxy('127.0.0.1', PORTS.proxiedListener + index);
          await proxy.start(PORTS.proxy + index);
          proxies.push(proxy);
        }
      }
      const auditDatabase = await postgres.createDatabase('chaos_audit');
      await createAuditRoles(auditDatabase);
      const topology = new Topology(
        cluster,
        postgres,
        auditDatabase,
        await postgres.createDatabase('chaos_retention'),
        proxies,
        options,
      );
      await topology.startApps();
      return topology;
    } catch (error) {
      for (const proxy of proxies) await proxy.stop();
      await cluster.stop();
      await postgres.destroy();
      throw error;
    }
  }

  private async startApps(): Promise<void> {
    this.options.log('starting the simulator, the ingress, 2 audit and 2 retention instances');
    await this.sim.start();
    await Promise.all(
      [this.ingress, ...this.audits, ...this.retentions].map((instance) => instance.start()),
    );
  }

  get hookUrl(): string {
    return `${this.ingress.url}/billwerk-hook/${HOOK_TOKEN}`;
  }

  /** A client for checks, straight to the brokers (never through the proxies). */
  kafka(): Kafka {
    return new Kafka({
      clientId: 'chaos-check',
      brokers: this.cluster.brokers.split(','),
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      logLevel: logLevel.NOTHING,
    });
  }

  /** Runs `use` with a connection to a database of the run's PostgreSQL. */
  query<T>(database: string, use: (client: Client) => Promise<T>): Promise<T> {
    return withPostgres(database, use);
  }

  /** `/audit/verify` of audit-1 (or audit-2 while audit-1 is down): whether every chain holds. */
  async chainVerifies(): Promise<boolean> {
    const instance = this.audits.find((audit) => audit.running) ?? this.audits[0];
    const answer = await fetch(`${instance.url}/audit/verify`, {
      headers: { authorization: `Bearer ${AUDIT_TOKEN}` },
      signal: AbortSignal.timeout(120_000),
    });
    if (!answer.ok) throw new Error(`/audit/verify answered ${answer.status}`);
    return ((await answer.json()) as { ok: boolean }).ok;
  }

  /**
   * Cancels `count` fresh contracts in the simulator (its `cancel` scenario, EndDate in 30 days)
   * and returns them with the hooks billwerk sent about them. The simulator has no webhook URL:
   * the load sends those hooks, so that every one is counted.
   */
  async winBackContracts(count: number): Promise<WinBackContract[]> {
    const contracts: WinBackContract[] = [];
    for (let i = 0; i < count; i += 1) {
      const played = await this.simControl<Played>('POST', '/sim/scenarios/cancel/play?wait=true');
      const hooks = await Promise.all(
        played.deliveries.map(
          async (id) =>
            (
              await this.simControl<{ body: WinBackContract['hooks'][number] }>(
                'GET',
                `/sim/deliveries/${id}`,
              )
            ).body,
        ),
      );
      contracts.push({ contractId: Object.values(played.contracts)[0], hooks });
    }
    await this.simControl('DELETE', '/sim/deliveries');
    return contracts;
  }

  private async simControl<T>(method: 'GET' | 'POST' | 'DELETE', path: string): Promise<T> {
    const answer = await fetch(`${this.sim.url}${path}`, { method });
    const text = await answer.text();
    if (!answer.ok) throw new Error(`simulator ${method} ${path}: ${answer.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [this.ingress, ...this.audits, ...this.retentions].map((instance) => instance.close()),
    );
    await this.sim.close();
    for (const proxy of this.proxies) await proxy.stop();
    await this.cluster.stop();
    await this.postgres.destroy();
  }
}

export { BILLWERK_TOPICS };
