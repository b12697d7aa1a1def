import {
  AUDITED_TOPICS,
  BILLWERK_TOPICS,
  RETENTION_ACTIONS_TOPIC,
  RETENTION_CONSUMED_TOPICS,
} from '@app/contracts';
import type { Kafka } from 'kafkajs';
import { HttpLoad, type LoadRecord } from '../support/faults/http-load';
import { groupLag } from '../support/kafka';
import { endOffsets, readBetween, type Offsets, type ReadMessage } from '../support/topic-reader';
import { HookMix } from './hook-mix';
import { tally, type ActionWrite, type HookWrite, type ScenarioRow } from './tally';
import { AUDIT_GROUP, RETENTION_GROUP, TOPICS, type Topology } from './topology';

export interface ChaosSettings {
  /** CI: fewer kills, shorter faults and load. */
  short: boolean;
}

export interface ScenarioContext {
  topology: Topology;
  settings: ChaosSettings;
  log: (line: string) => void;
  /** Records a fault in the system's behaviour that does not stop the scenario. */
  problem: (what: string) => void;
}

/** One fault, injected while hooks are being sent; it returns once the system is whole again. */
export interface Scenario {
  name: string;
  summary: string;
  inject(context: ScenarioContext): Promise<void>;
}

export const pause = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

const isAcked = (record: LoadRecord): boolean => record.status >= 200 && record.status < 300;

async function until(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean> | boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs / 1000} s`);
    await pause(250);
  }
}

interface Backlog {
  auditLag: number;
  retentionLag: number;
  dueActions: number;
  parkedHooks: number;
}

async function backlog(topology: Topology, kafka: Kafka): Promise<Backlog> {
  const [auditLag, retentionLag, store] = await Promise.all([
    groupLag(kafka, AUDIT_GROUP, AUDITED_TOPICS),
    groupLag(kafka, RETENTION_GROUP, RETENTION_CONSUMED_TOPICS),
    topology.query(topology.retentionDatabase, async (client) => {
      const result = await client.query<{ due: number; parked: number }>(
        `SELECT (SELECT COUNT(*)::int FROM retention_outbox
                  WHERE status = 'pending' AND "dueAt" <= $1) AS due,
                (SELECT COUNT(*)::int FROM retention_pending_hook) AS parked`,
        [new Date().toISOString()],
      );
      return result.rows[0];
    }),
  ]);
  return { auditLag, retentionLag, dueActions: store.due, parkedHooks: store.parked };
}

/**
 * Waits until both groups committed everything and retention published every due action; twice
 * in a row, since actions published at the last moment are new records for the audit.
 */
async function drain(topology: Topology, kafka: Kafka, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last: Backlog | undefined;
  let clean = 0;
  while (Date.now() < deadline) {
    last = await backlog(topology, kafka).catch(() => undefined);
    const empty = last !== undefined && Object.values(last).every((value) => value === 0);
    clean = empty ? clean + 1 : 0;
    if (clean >= 2) return [];
    await pause(1000);
  }
  return [`not drained within ${timeoutMs / 1000} s: ${JSON.stringify(last)}`];
}

function hookWrite(message: ReadMessage): HookWrite {
  const envelope = JSON.parse(message.value) as { data?: { ChaosLoadId?: unknown } };
  const loadId = envelope.data?.ChaosLoadId;
  return {
    eventId: message.headers.ce_id,
    loadId: typeof loadId === 'string' ? loadId : undefined,
  };
}

function actionWrite(message: ReadMessage): ActionWrite {
  const event = JSON.parse(message.value) as {
    id: string;
    type: string;
    data: { contractId: string; reason: string };
  };
  return {
    id: event.id,
    type: event.type,
    contractId: event.data.contractId,
    reason: event.data.reason,
  };
}

async function auditRows(topology: Topology, eventIds: string[]): Promise<Map<string, number>> {
  return topology.query(topology.auditDatabase, async (client) => {
    const result = await client.query<{ event_id: string; rows: number }>(
      `SELECT event_id, COUNT(*)::int AS rows FROM audit_events
        WHERE event_id = ANY($1::text[]) GROUP BY event_id`,
      [eventIds],
    );
    return new Map(result.rows.map((row) => [row.event_id, row.rows]));
  });
}

async function auditPositionDuplicates(topology: Topology, eventIds: string[]): Promise<number> {
  return topology.query(topology.auditDatabase, async (client) => {
    const result = await client.query<{ extra: number }>(
      `SELECT (COUNT(*) - COUNT(DISTINCT (topic, kafka_partition, kafka_offset)))::int AS extra
         FROM audit_events WHERE event_id = ANY($1::text[])`,
      [eventIds],
    );
    return result.rows[0].extra;
  });
}

/** Action keys queued twice, and more than one win-back case for one of the contracts. */
async function storeDuplicates(topology: Topology, contractIds: string[]): Promise<number> {
  return topology.query(topology.retentionDatabase, async (client) => {
    const result = await client.query<{ extra: number }>(
      `SELECT (SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM retention_outbox
                 GROUP BY "actionKey" HAVING COUNT(*) > 1) a)::int
            + (SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM retention_case
                 WHERE kind = 'win-back' AND "contractId" = ANY($1::text[])
                 GROUP BY "contractId" HAVING COUNT(*) > 1) c)::int AS extra`,
      [contractIds],
    );
    return result.rows[0].extra;
  });
}

/** The load's shape: full runs longer and with more contracts than CI's short one. */
function loadShape(settings: ChaosSettings) {
  return settings.short
    ? { clients: 4, pauseMs: 20, contracts: 10, warmUpAcks: 50, recoveryAcks: 30 }
    : { clients: 6, pauseMs: 20, contracts: 30, warmUpAcks: 200, recoveryAcks: 100 };
}

/**
 * One scenario the way Kafka's replication test runs one: hooks sent in the background by
 * keep-alive clients, the fault injected, the load stopped once hooks are acknowledged again,
 * everything drained, then every acknowledged hook looked up in Kafka, the audit store and
 * retention's actions.
 */
export async function runScenario(
  topology: Topology,
  scenario: Scenario,
  settings: ChaosSettings,
  log: (line: string) => void,
): Promise<ScenarioRow> {
  const shape = loadShape(settings);
  const kafka = topology.kafka();
  const contracts = await topology.winBackContracts(shape.contracts);
  const hooks = new HookMix(contracts);
  const before: Offsets = await endOffsets(kafka, TOPICS);
  const load = new HttpLoad({
    url: topology.hookUrl,
    clients: shape.clients,
    pauseMs: shape.pauseMs,
    body: (id) => hooks.body(id),
  });
  const problems: string[] = [];
  let requests: LoadRecord[] = [];
  const startedAt = Date.now();
  try {
    await until(
      'the first acknowledged hooks',
      60_000,
      () => load.records.filter(isAcked).length >= shape.warmUpAcks,
    );
    log(`${scenario.name}: ${scenario.summary}`);
    await scenario.inject({ topology, settings, log, problem: (what) => problems.push(what) });
    const recovered = Date.now();
    await until(
      'hooks acknowledged again after the fault',
      60_000,
      () => load.since(recovered).filter(isAcked).length >= shape.recoveryAcks,
    );
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    requests = await load.stop();
  }
  log(
    `${scenario.name}: ${requests.length} hooks sent in ${Math.round((Date.now() - startedAt) / 1000)} s; draining`,
  );
  const draining = Date.now();
  problems.push(...(await drain(topology, kafka, settings.short ? 120_000 : 300_000)));
  log(`${scenario.name}: drained in ${Math.round((Date.now() - draining) / 1000)} s`);

  const after = await endOffsets(kafka, TOPICS);
  const written = await readBetween(kafka, before, after);
  const onTopics = (topics: readonly string[]) =>
    written.filter((message) => topics.includes(message.topic));
  const hookWrites = onTopics(BILLWERK_TOPICS).map(hookWrite);
  const audited = onTopics(AUDITED_TOPICS).map((message) => message.headers.ce_id);
  const actions = onTopics([RETENTION_ACTIONS_TOPIC]).map(actionWrite);
  const acked = requests.filter(isAcked).map((record) => record.id);
  const winBackContracts = hooks.contractsOf(acked);
  const chainVerifies = await topology.chainVerifies().catch((error: Error) => {
    problems.push(`audit verify: ${error.message}`);
    return false;
  });
  return tally({
    scenario: scenario.name,
    requests,
    hookWrites,
    audited,
    auditRows: await auditRows(topology, audited),
    auditPositionDuplicates: await auditPositionDuplicates(topology, audited),
    chainVerifies,
    actions,
    storeDuplicates: await storeDuplicates(
      topology,
      contracts.map((contract) => contract.contractId),
    ),
    winBackContracts,
    problems,
  });
}
