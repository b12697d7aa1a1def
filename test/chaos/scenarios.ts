import type { AppInstance } from '../support/faults/app-instance';
import { pause, type Scenario, type ScenarioContext } from './run-scenario';
import { LOADED_TOPIC, TOPICS } from './topology';

/** A node restarted after a fault must have caught up before the next fault. */
const REPLICATION_TIMEOUT_MS = 180_000;
const RESTART_LIVE_LIMIT_S = 30;

async function restartAndReplicate({ topology, log }: ScenarioContext, id: number): Promise<void> {
  await topology.cluster.node(id).restart();
  await topology.cluster.waitUntilFullyReplicated(TOPICS, REPLICATION_TIMEOUT_MS);
  log(`  node ${id} restarted, every partition fully replicated`);
}

/** SIGKILL a process while hooks are sent, leave it dead a moment, then start it again. */
async function killAndRestart(
  context: ScenarioContext,
  ...instances: AppInstance[]
): Promise<void> {
  await Promise.all(instances.map((instance) => instance.kill()));
  context.log(`  SIGKILLed ${instances.map((instance) => instance.name).join(', ')}`);
  await pause(context.settings.short ? 2000 : 5000);
  await Promise.all(
    instances.map(async (instance) => {
      const restarted = Date.now();
      await instance.start();
      const seconds = (Date.now() - restarted) / 1000;
      context.log(`  restarted ${instance.name}: live after ${seconds.toFixed(1)} s`);
      // An orchestrator's liveness probe gives a new process about this long.
      if (seconds > RESTART_LIVE_LIMIT_S) {
        context.problem(
          `${instance.name} answered /health/live only ${seconds.toFixed(0)} s after its restart`,
        );
      }
    }),
  );
}

/** Kafka's replication test's hard bounce, the ingress's consumers and producers all under load. */
const leaderKill: Scenario = {
  name: 'leader-kill',
  summary: `SIGKILL the leader of ${LOADED_TOPIC}-0, chase the new leader, restart, wait for full replication`,
  async inject(context) {
    const kills = context.settings.short ? 2 : 5;
    for (let round = 1; round <= kills; round += 1) {
      const leader = await context.topology.cluster.leaderOf(LOADED_TOPIC, 0);
      await context.topology.cluster.node(leader).kill();
      context.log(`  kill ${round}/${kills}: node ${leader} (leader of ${LOADED_TOPIC}-0)`);
      // Long enough for the controller to fence it and move its leaderships under load.
      await pause(context.settings.short ? 5000 : 10_000);
      await restartAndReplicate(context, leader);
    }
  },
};

const controllerKill: Scenario = {
  name: 'controller-kill',
  summary:
    'SIGKILL the active KRaft controller (a broker too), restart it, wait for full replication',
  async inject(context) {
    const controller = await context.topology.cluster.activeController();
    await context.topology.cluster.node(controller).kill();
    context.log(`  killed node ${controller} (active controller)`);
    await pause(context.settings.short ? 5000 : 10_000);
    await restartAndReplicate(context, controller);
  },
};

const brokerFreeze: Scenario = {
  name: 'broker-freeze',
  summary: `SIGSTOP the leader of ${LOADED_TOPIC}-0 past the request and session timeouts, then thaw`,
  async inject(context) {
    const leader = await context.topology.cluster.leaderOf(LOADED_TOPIC, 0);
    // Past KafkaJS's 5 s request timeout, the ingress's 8 s ack timeout and the 9 s broker session.
    const ms = context.settings.short ? 12_000 : 20_000;
    context.log(`  freezing node ${leader} for ${ms / 1000} s`);
    await context.topology.cluster.node(leader).freezeFor(ms);
    await context.topology.cluster.waitUntilFullyReplicated(TOPICS, REPLICATION_TIMEOUT_MS);
    context.log(`  node ${leader} thawed, every partition fully replicated`);
  },
};

const networkStall: Scenario = {
  name: 'network-stall',
  summary:
    'the ingress, audit-1 and retention-1 lose the brokers on a half-open network (nothing forwarded, nothing closed), then it heals',
  async inject(context) {
    const { proxies } = context.topology;
    if (proxies.length === 0) throw new Error('network-stall needs the proxied topology');
    // Full runs stall past the consumers' session timeouts (30 s audit, 45 s retention), so the
    // stalled members are rebalanced out while they still believe they own their partitions.
    const ms = context.settings.short ? 15_000 : 50_000;
    for (const proxy of proxies) proxy.stall();
    context.log(`  stalled every proxied connection for ${ms / 1000} s`);
    await pause(ms);
    for (const proxy of proxies) proxy.resume();
    context.log('  resumed');
  },
};

const databaseOutage: Scenario = {
  name: 'db-outage',
  summary: 'stop PostgreSQL (both audit and retention stores), then start it again',
  async inject(context) {
    const ms = context.settings.short ? 10_000 : 25_000;
    context.log(`  PostgreSQL down for ${ms / 1000} s`);
    await context.topology.postgres.outage(ms);
  },
};

const consumerKill: Scenario = {
  name: 'consumer-kill',
  summary: 'SIGKILL an audit and a retention instance mid-batch, restart them',
  async inject(context) {
    const { audits, retentions } = context.topology;
    await killAndRestart(context, audits[0], retentions[0]);
    if (!context.settings.short) {
      await pause(5000);
      await killAndRestart(context, audits[1], retentions[1]);
    }
  },
};

export const SCENARIOS: readonly Scenario[] = [
  leaderKill,
  controllerKill,
  brokerFreeze,
  networkStall,
  databaseOutage,
  consumerKill,
];
