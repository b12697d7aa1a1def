/**
 * The whole stack in one process, for e2e specs that play simulator scenarios: the billwerk
 * simulator (billwerk's API and the hook sender, posting to the real ingress with HTTP Basic),
 * the ingress, retention (fetching from the simulator) and the audit, on the shared Kafka. New
 * consumer groups start at the topics' ends, so earlier specs' messages are not replayed.
 */
import { AUDITED_TOPICS } from '@app/contracts';
import type { Kafka } from 'kafkajs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { BASIC, startIngress, type RunningIngress } from '../../apps/ingress/test/ingress-harness';
import { SIM_CLIENT, startSim, type RunningSim } from '../../apps/billwerk-sim/test/sim-harness';
import {
  startGroupAtEnd,
  startRetention,
  testKafka,
  waitFor,
  type RunningRetention,
} from '../../apps/retention/test/retention-harness';
import { createAuditApp } from '../../apps/audit/src/audit.app';
import { loadAuditConfig } from '../../apps/audit/src/config/audit.config';
import type { TestDatabase } from './databases';

export const STACK_AUDIT_TOKEN = 'sim-stack-audit-token-0123456789';

export interface AuditRow {
  eventId: string;
  type: string;
  data: unknown;
}

export interface SimStack {
  kafka: Kafka;
  sim: RunningSim;
  ingress: RunningIngress;
  retention: RunningRetention;
  /** Retention's consumer group. */
  groupId: string;
  auditUrl: string;
  /** Every audit row received since the stack started, oldest first. */
  auditRows(): Promise<AuditRow[]>;
  close(): Promise<void>;
}

export async function startSimStack(options: {
  retentionDatabase: TestDatabase;
  auditDatabase: TestDatabase;
  /** RETENTION_OFFER_RULES. */
  offerRules: string;
  /** Topics to create besides the audited ones (a dead-letter topic a spec reads). */
  extraTopics?: string[];
}): Promise<SimStack> {
  const kafka = testKafka();
  const startedAt = new Date().toISOString();
  const groupId = `retention-sim-e2e-${randomUUID()}`;
  const auditGroupId = `audit-sim-e2e-${randomUUID()}`;
  await startGroupAtEnd(kafka, groupId);
  // A new audit group would read the shared broker from the beginning: start it at the ends.
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [...AUDITED_TOPICS, ...(options.extraTopics ?? [])].map((topic) => ({
        topic,
        numPartitions: 3,
      })),
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

  const ingress = await startIngress();
  const sim = await startSim({
    SIM_WEBHOOK_URL: `${ingress.url}/billwerk-hook`,
    SIM_WEBHOOK_USER: BASIC.user,
    SIM_WEBHOOK_PASSWORD: BASIC.password,
  });
  const retention = await startRetention({
    database: options.retentionDatabase,
    billwerkUrl: sim.url,
    groupId,
    env: {
      BILLWERK_CLIENT_ID: SIM_CLIENT.clientId,
      BILLWERK_CLIENT_SECRET: SIM_CLIENT.clientSecret,
      RETENTION_OFFER_RULES: options.offerRules,
    },
  });
  const audit: NestFastifyApplication = await createAuditApp(
    loadAuditConfig({
      AUDIT_API_TOKENS: STACK_AUDIT_TOKEN,
      AUDIT_SQLITE_PATH: options.auditDatabase.sqlitePath,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      AUDIT_GROUP_ID: auditGroupId,
      LOG_LEVEL: 'fatal',
    }),
    pino({ level: 'silent' }),
  );
  await audit.listen(0, '127.0.0.1');
  const auditUrl = `http://127.0.0.1:${(audit.getHttpServer().address() as { port: number }).port}`;
  await waitFor('retention ready', async () => (await fetch(`${retention.url}/health/ready`)).ok);
  await waitFor('audit ready', async () => (await fetch(`${auditUrl}/health/ready`)).ok);

  const auditRows = async (): Promise<AuditRow[]> => {
    const rows: AuditRow[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `from=${startedAt}&order=asc&limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
      const response = await fetch(`${auditUrl}/audit/events?${query}`, {
        headers: { authorization: `Bearer ${STACK_AUDIT_TOKEN}` },
      });
      if (!response.ok) throw new Error(`GET /audit/events answered ${response.status}`);
      const page = (await response.json()) as { items: AuditRow[]; nextCursor: string | null };
      rows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return rows;
  };

  return {
    kafka,
    sim,
    ingress,
    retention,
    groupId,
    auditUrl,
    auditRows,
    close: async () => {
      await audit.close();
      await retention.close();
      await sim.close();
      await ingress.close();
    },
  };
}

/** JSON with sorted keys: the audit stores the body as JSON, which need not keep key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
