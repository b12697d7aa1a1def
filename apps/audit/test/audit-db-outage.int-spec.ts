import { createLogger } from '@app/observability';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OwnedPostgres } from '../../../test/support/faults/owned-postgres';
import { produce, testBrokers, testKafka, uniqueName } from '../../../test/support/kafka';
import { waitFor } from '../../../test/support/wait-for';
import { createAuditApp } from '../src/audit.app';
import { loadAuditConfig } from '../src/config/audit.config';
import { billwerkId } from '../../../test/fixtures/billwerk-hooks';
import { cloudEventJson } from '../../../test/fixtures/cloud-events';

jest.setTimeout(120_000);

const TOPIC = 'billwerk.contract.v1';
const OUTAGE_MS = 20_000;

/**
 * Issue 8 point 4: the audit's own PostgreSQL stops for 20 s while hooks keep arriving. The
 * audit must pause with backoff, answer 503 on /health/ready meanwhile, resume by itself, and
 * end with every event stored exactly once and the chain intact.
 */
describe('audit during a database outage', () => {
  const kafka = testKafka();
  let postgres: OwnedPostgres;
  let app: NestFastifyApplication | undefined;

  beforeAll(async () => {
    postgres = await OwnedPostgres.start();
  });

  afterAll(async () => {
    await app?.close();
    await postgres.destroy();
  });

  it('pauses, reports not ready, resumes by itself and stores everything once', async () => {
    const url = await postgres.createDatabase(
      `audit_outage_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
    );
    app = await createAuditApp(
      loadAuditConfig({
        AUDIT_API_TOKENS: 'outage-token-0123456789',
        DATABASE_URL: url,
        KAFKA_BROKERS: testBrokers().join(','),
        AUDIT_GROUP_ID: uniqueName('audit-outage'),
        AUDIT_RETRY_INITIAL_MS: '200',
        AUDIT_RETRY_MAX_MS: '2000',
        LOG_LEVEL: 'fatal',
      }),
      createLogger('audit-outage', 'fatal'),
    );
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const ready = async (): Promise<number> => (await fetch(`${base}/health/ready`)).status;

    const ids: string[] = [];
    const send = async (count: number): Promise<void> => {
      const batch = Array.from({ length: count }, (_, i) => {
        const id = randomUUID();
        ids.push(id);
        const contract = billwerkId(5000 + ids.length + i);
        return {
          key: contract,
          value: cloudEventJson('ContractChanged', { ContractId: contract }, id),
        };
      });
      await produce(kafka, TOPIC, batch);
    };
    const stored = async (): Promise<{ rows: number; distinct: number }> => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ rows: string; distinct: string }>(
          'SELECT COUNT(*) AS rows, COUNT(DISTINCT event_id) AS distinct FROM audit_events WHERE event_id = ANY($1)',
          [ids],
        );
        return { rows: Number(rows[0].rows), distinct: Number(rows[0].distinct) };
      } finally {
        await client.end();
      }
    };

    await send(200);
    await waitFor('the first 200 stored', async () => (await stored()).rows === 200, 60_000);
    await waitFor('ready', async () => (await ready()) === 200);

    await postgres.stop();
    const outageEnds = Date.now() + OUTAGE_MS;
    const statuses: number[] = [];
    // Load during the outage: 100 hooks a second, and the readiness answer every half second.
    while (Date.now() < outageEnds) {
      await send(50);
      statuses.push(await ready());
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await postgres.resume();
    await send(200);

    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(
      statuses.length * 0.8,
    );
    await waitFor(
      'every event stored',
      async () => (await stored()).rows === ids.length,
      60_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(await stored())} of ${ids.length}`);
    });
    expect(await stored()).toEqual({ rows: ids.length, distinct: ids.length });
    await waitFor('ready again', async () => (await ready()) === 200, 30_000);
    // Paused as an outage: retried, and not one record given up on as poison meanwhile.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /billwerk_audit_store_failures_total\{topic="billwerk\.contract\.v1",kind="transient"[^}]*\} [1-9]/,
    );
    expect(metrics).not.toMatch(/billwerk_audit_dead_letters_total\{[^}]*\} [1-9]/);
    const verify = await fetch(`${base}/audit/verify`, {
      headers: { authorization: 'Bearer outage-token-0123456789' },
    });
    const report = (await verify.json()) as Record<string, unknown>;
    expect(verify.status).toBe(200);
    expect(JSON.stringify(report)).not.toMatch(/"brokenLinks":[1-9]/);
  });
});
