/**
 * What a newcomer sees: every scenario of the simulator's catalog played at the interactive pace
 * of `npm run sim` against the running stack (simulator → ingress → Kafka → retention and
 * audit), and the outcome its `outcome` text promises checked: the cases retention opened and
 * how they closed, the actions it published, and an audit row for every hook. At 2 s a step the
 * whole catalog takes about half a minute of paces.
 */
import 'reflect-metadata';
import type { Kafka } from 'kafkajs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { BASIC, startIngress, type RunningIngress } from '../../apps/ingress/test/ingress-harness';
import { SIM_CLIENT, startSim, type RunningSim } from '../../apps/billwerk-sim/test/sim-harness';
import { DEFAULT_PACE_MS } from '../../apps/billwerk-sim/src/cli/sim-args';
import type { Delivery } from '../../apps/billwerk-sim/src/delivery/hook-sender';
import { SCENARIOS } from '../../apps/billwerk-sim/src/scenarios/scenario-catalog';
import type { PlayResult } from '../../apps/billwerk-sim/src/scenarios/scenario-runner';
import {
  actionsSince,
  actionsSnapshot,
  api,
  drained,
  startGroupAtEnd,
  startRetention,
  testKafka,
  waitFor,
  type RunningRetention,
} from '../../apps/retention/test/retention-harness';
import type { CaseDto } from '../../apps/retention/src/retention-case/retention-case.dto';
import { createAuditApp } from '../../apps/audit/src/audit.app';
import { loadAuditConfig } from '../../apps/audit/src/config/audit.config';
import { AUDITED_TOPICS } from '../../apps/audit/src/ingestion/audit-topics';
import { createSqliteDatabase, type TestDatabase } from '../support/databases';

jest.setTimeout(180_000);

const AUDIT_TOKEN = 'paced-e2e-audit-token-0123456789';
const DISCOUNT = '64b000000000000000000001';

/** What each scenario's `outcome` promises, as cases (kind → status/outcome) and actions. */
interface Promised {
  cases: Array<Pick<CaseDto, 'kind' | 'status' | 'outcome'>>;
  /** Action types published for the scenario's contracts, each at least once, none other. */
  actions: string[];
}

const PROMISED: Record<string, Promised> = {
  cancel: {
    cases: [{ kind: 'win-back', status: 'open', outcome: null }],
    actions: ['retention.WinBackOfferRequested'],
  },
  'cancel-withdraw': {
    cases: [{ kind: 'win-back', status: 'closed', outcome: 'won' }],
    actions: ['retention.WinBackOfferRequested'],
  },
  'cancel-ends': {
    cases: [{ kind: 'win-back', status: 'closed', outcome: 'lost' }],
    actions: ['retention.WinBackOfferRequested'],
  },
  'trial-ends': {
    cases: [{ kind: 'trial-conversion', status: 'closed', outcome: 'nudged' }],
    actions: ['retention.TrialEndingNudge'],
  },
  'payment-recovery': {
    cases: [{ kind: 'payment-recovery', status: 'closed', outcome: 'recovered' }],
    actions: ['retention.PaymentRecoveryRequested', 'retention.PaymentRecovered'],
  },
  'customer-deleted': { cases: [], actions: [] },
  'customer-deleted-tombstone': { cases: [], actions: [] },
};

type Played = PlayResult & { outcome: Record<string, number> };

/** JSON with sorted keys: the audit stores the body as JSON, which need not keep key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

describe('e2e: every scenario at the interactive pace shows what its description promises', () => {
  let kafka: Kafka;
  let sim: RunningSim;
  let ingress: RunningIngress;
  let retention: RunningRetention;
  let audit: NestFastifyApplication;
  let auditUrl: string;
  let database: TestDatabase;
  let auditDatabase: TestDatabase;
  const startedAt = new Date().toISOString();
  const groupId = `retention-paced-e2e-${randomUUID()}`;

  const casesOf = async (customerId: string): Promise<CaseDto[]> => {
    const answer = await api<CaseDto[]>(
      retention.url,
      'GET',
      `/retention/cases?customerId=${customerId}`,
    );
    expect(answer.status).toBe(200);
    return answer.body;
  };

  const auditRows = async (): Promise<Array<{ type: string; data: unknown }>> => {
    const rows: Array<{ type: string; data: unknown }> = [];
    let cursor: string | null = null;
    do {
      const query: string = `from=${startedAt}&order=asc&limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await fetch(`${auditUrl}/audit/events?${query}`, {
        headers: { authorization: `Bearer ${AUDIT_TOKEN}` },
      });
      expect(response.status).toBe(200);
      const page = (await response.json()) as {
        items: Array<{ type: string; data: unknown }>;
        nextCursor: string | null;
      };
      rows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return rows;
  };

  beforeAll(async () => {
    kafka = testKafka();
    database = await createSqliteDatabase();
    auditDatabase = await createSqliteDatabase();
    const auditGroupId = `audit-paced-e2e-${randomUUID()}`;
    await startGroupAtEnd(kafka, groupId);
    // A new audit group would read the shared broker from the beginning: start it at the ends.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: AUDITED_TOPICS.map((topic) => ({ topic, numPartitions: 3 })),
      });
      for (const topic of AUDITED_TOPICS) {
        const partitions = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId: auditGroupId,
          topic,
          partitions: partitions.map((p) => ({ partition: p.partition, offset: p.high })),
        });
      }
    } finally {
      await admin.disconnect();
    }
    ingress = await startIngress();
    sim = await startSim({
      SIM_WEBHOOK_URL: `${ingress.url}/billwerk-hook`,
      SIM_WEBHOOK_USER: BASIC.user,
      SIM_WEBHOOK_PASSWORD: BASIC.password,
    });
    retention = await startRetention({
      database,
      billwerkUrl: sim.url,
      groupId,
      env: {
        BILLWERK_CLIENT_ID: SIM_CLIENT.clientId,
        BILLWERK_CLIENT_SECRET: SIM_CLIENT.clientSecret,
        // As `npm start` runs it: one demo discount for every plan.
        RETENTION_OFFER_RULES: `*=${DISCOUNT}`,
      },
    });
    audit = await createAuditApp(
      loadAuditConfig({
        AUDIT_API_TOKENS: AUDIT_TOKEN,
        AUDIT_SQLITE_PATH: auditDatabase.sqlitePath,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
        AUDIT_GROUP_ID: auditGroupId,
        LOG_LEVEL: 'fatal',
      }),
      pino({ level: 'silent' }),
    );
    await audit.listen(0, '127.0.0.1');
    auditUrl = `http://127.0.0.1:${(audit.getHttpServer().address() as { port: number }).port}`;
    await waitFor('retention ready', async () => (await fetch(`${retention.url}/health/ready`)).ok);
    await waitFor('audit ready', async () => (await fetch(`${auditUrl}/health/ready`)).ok);
  });

  afterAll(async () => {
    await audit?.close();
    await retention?.close();
    await sim?.close();
    await ingress?.close();
    await database?.drop();
    await auditDatabase?.drop();
  });

  it('knows what every scenario of the catalog promises', () => {
    expect(Object.keys(PROMISED).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  // One after another, as a newcomer follows the README: the simulator clock is shared, so a
  // later scenario's jump (31 days for cancel-ends) would end an earlier one's contract.
  it.each(SCENARIOS.map((s) => [s.name, s.outcome]))('%s: %s', async (name) => {
    const actionsFrom = await actionsSnapshot(kafka);
    const answer = await sim.control<Played>(
      'POST',
      `/sim/scenarios/${name}/play?wait=true&pace=${DEFAULT_PACE_MS}ms`,
    );
    expect(answer.status).toBe(200);
    const play = answer.body;
    const promised = PROMISED[name];
    const [customerId] = Object.values(play.customers);
    const contractIds = Object.values(play.contracts);

    const deliveries = play.deliveries.map((id) => sim.runtime.sender.get(id) as Delivery);
    expect(deliveries.length).toBeGreaterThan(0);
    expect(play.outcome).toEqual({ delivered: deliveries.length });

    // Retention consumed every hook and published what is due: its answer is final.
    await drained(kafka, groupId, retention.dataSource);
    const shape = (cases: Promised['cases']): Promised['cases'] =>
      cases
        .map(({ kind, status, outcome }) => ({ kind, status, outcome }))
        .sort((x, y) => canonical(x).localeCompare(canonical(y)));
    const cases = await casesOf(customerId);
    expect(shape(cases)).toEqual(shape(promised.cases));
    for (const c of cases.filter((c) => c.kind === 'win-back')) {
      expect(c.offer).toMatchObject({ discountId: DISCOUNT });
    }
    const actions = (await actionsSince(kafka, actionsFrom)).filter((a) =>
      contractIds.includes(a.event.data.contractId as string),
    );
    expect([...new Set(actions.map((a) => a.event.type))].sort()).toEqual(
      [...promised.actions].sort(),
    );

    const audited = (rows: Array<{ type: string; data: unknown }>, delivery: Delivery) =>
      rows.some(
        (row) =>
          row.type === `billwerk.${delivery.event}` &&
          canonical(row.data) === canonical(delivery.body),
      );
    await waitFor(
      `an audit row for every hook of ${name}`,
      async () => {
        const rows = await auditRows();
        return deliveries.every((delivery) => audited(rows, delivery));
      },
      30_000,
    );
  });
});
