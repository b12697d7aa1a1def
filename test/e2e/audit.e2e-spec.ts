import 'reflect-metadata';
import { loadIngressConfig } from '../../apps/ingress/src/config/ingress.config';
import { createIngressApp } from '../../apps/ingress/src/ingress.app';
import { createAuditApp } from '../../apps/audit/src/audit.app';
import { loadAuditConfig } from '../../apps/audit/src/config/audit.config';
import { billwerkId } from '../fixtures/billwerk-hooks';
import { catalogHooks } from '../../apps/audit/test/catalog-hooks';
import { createLogger } from '@app/observability';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresDatabase, type TestDatabase } from '../support/databases';
import { startPrivateKafka, type PrivateKafka } from '../support/private-kafka';
import { uniqueName } from '../support/kafka';
import { waitFor } from '../support/wait-for';

jest.setTimeout(180_000);

const TOKEN = 'e2e-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

interface Page {
  items: Array<Record<string, unknown> & { eventId: string }>;
  nextCursor: string | null;
}

/** ingress → Kafka → audit → query API, on a private broker and a fresh Postgres database. */
describe('audit end to end', () => {
  let kafka: PrivateKafka;
  let database: TestDatabase;
  let ingress: NestFastifyApplication;
  let audit: NestFastifyApplication;
  let ingressUrl: string;
  let auditUrl: string;
  // Unique per run: the private broker keeps earlier runs' events, which the audit reads too.
  const customerId = randomBytes(12).toString('hex');
  const contractId = randomBytes(12).toString('hex');
  const hooks = catalogHooks({ customerId, contractId });
  const accepted = new Map<string, { event: string; topic: string; body: unknown }>();
  const startedAt = new Date().toISOString();

  const get = async (path: string, headers: Record<string, string> = auth) => {
    const response = await fetch(`${auditUrl}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    kafka = await startPrivateKafka();
    database = await createPostgresDatabase();
    const quiet = createLogger('e2e', 'fatal');
    ingress = await createIngressApp(
      loadIngressConfig({ NODE_ENV: 'test', KAFKA_BROKERS: kafka.brokers, LOG_LEVEL: 'fatal' }),
      quiet,
    );
    await ingress.listen(0, '127.0.0.1');
    ingressUrl = await ingress.getUrl();
    audit = await createAuditApp(
      loadAuditConfig({
        AUDIT_API_TOKENS: TOKEN,
        DATABASE_URL: database.url,
        KAFKA_BROKERS: kafka.brokers,
        AUDIT_GROUP_ID: uniqueName('audit-e2e'),
        LOG_LEVEL: 'fatal',
      }),
      quiet,
    );
    await audit.listen(0, '127.0.0.1');
    auditUrl = (await audit.getUrl()).replace('[::1]', '127.0.0.1');

    await waitFor('ingress ready', async () => (await fetch(`${ingressUrl}/health/ready`)).ok);
    for (const hook of hooks) {
      const response = await fetch(`${ingressUrl}/billwerk-hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-retry-count': '2' },
        body: JSON.stringify(hook.body),
      });
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      accepted.set(id, { event: hook.event, topic: hook.topic, body: hook.body });
    }
    await waitFor('every event stored', async () => {
      for (const id of accepted.keys()) {
        if ((await get(`/audit/events/${id}`)).status !== 200) return false;
      }
      return true;
    });
  });

  afterAll(async () => {
    await audit?.close();
    await ingress?.close();
    await database?.drop();
    await kafka?.release();
  });

  it('stores every catalog event exactly as billwerk sent it', async () => {
    expect(accepted.size).toBe(hooks.length);
    for (const [id, hook] of accepted) {
      const { status, body } = await get(`/audit/events/${id}`);
      expect(status).toBe(200);
      const data = hook.body as Record<string, unknown>;
      expect(body).toEqual(
        expect.objectContaining({
          eventId: id,
          type: `billwerk.${hook.event}`,
          source: 'billwerk/default',
          topic: hook.topic,
          retryCount: 2,
          data,
          contractId: (data.ContractId ?? data.ContractID ?? null) as string | null,
          customerId: (data.CustomerId ?? null) as string | null,
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          headers: expect.objectContaining({ ce_id: id, ce_type: `billwerk.${hook.event}` }),
        }),
      );
    }
  });

  it("answers a customer's timeline in receipt order", async () => {
    const { status, body } = await get(`/audit/customers/${customerId}/timeline?limit=1000`);
    expect(status).toBe(200);
    const items = (body as unknown as Page).items;
    const expected = [...accepted].filter(
      ([, hook]) => (hook.body as Record<string, unknown>).CustomerId,
    );
    expect(items.map((item) => item.eventId)).toEqual(expected.map(([id]) => id));
    expect(body.customerId).toBe(customerId);
  });

  it('pages without gaps or repeats in both orders, and filters', async () => {
    const all = (await get(`/audit/events?contractId=${contractId}&limit=1000`))
      .body as unknown as Page;
    const expected = all.items.map((item) => item.eventId);
    expect(expected.length).toBeGreaterThan(10);
    for (const order of ['asc', 'desc']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `contractId=${contractId}&order=${order}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await get(`/audit/events?${query}`)).body as unknown as Page;
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((item) => item.eventId));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(order === 'asc' ? expected : [...expected].reverse());
    }

    const byType = (
      await get(`/audit/events?contractId=${contractId}&type=billwerk.ContractChanged`)
    ).body as unknown as Page;
    expect(byType.items.map((item) => item.type)).toEqual(['billwerk.ContractChanged']);
    const bySource = (await get(`/audit/events?customerId=${customerId}&source=billwerk/nobody`))
      .body as unknown as Page;
    expect(bySource.items).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const window = (
      await get(`/audit/events?contractId=${contractId}&from=${startedAt}&to=${future}&limit=1000`)
    ).body as unknown as Page;
    expect(window.items.map((item) => item.eventId)).toEqual(expected);
    const before = (await get(`/audit/events?contractId=${contractId}&to=${startedAt}`))
      .body as unknown as Page;
    expect(before.items).toEqual([]);
  });

  it('exports a time window as NDJSON', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const response = await fetch(
      `${auditUrl}/audit/export?from=${startedAt}&to=${to}&type=billwerk.PaymentFailed`,
      { headers: auth },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ours = lines.filter((line) => accepted.has(line.eventId as string));
    expect(ours).toHaveLength(1);
    expect(lines.every((line) => line.type === 'billwerk.PaymentFailed')).toBe(true);
  });

  it('refuses calls without a valid bearer token and serves the OpenAPI docs', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const { status, body } = await get('/audit/events', headers);
      expect(status).toBe(401);
      expect(body.detail).toContain('bearer token');
    }
    expect((await fetch(`${auditUrl}/docs`)).status).toBe(200);
    const spec = (await (await fetch(`${auditUrl}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/audit/events',
        '/audit/events/{id}',
        '/audit/export',
        '/audit/verify',
      ]),
    );
  });

  it.each([
    ['/audit/events?limit=0', 'limit', 'must be at least 1'],
    ['/audit/events?limit=1001', 'limit', 'must be at most 1000'],
    ['/audit/events?limit=ten', 'limit', 'must be an integer'],
    ['/audit/events?order=sideways', 'order', 'must be asc or desc'],
    ['/audit/events?from=yesterday', 'from', 'must be an ISO 8601 date-time'],
    ['/audit/events?cursor=bm9wZQ', 'cursor', 'is not a cursor this API issued'],
    ['/audit/events?colour=red', 'colour', 'is not a supported parameter'],
    ['/audit/export?from=2026-01-01T00:00:00Z', 'to', 'must be an ISO 8601 date-time'],
    ['/audit/verify?full=yes', 'full', 'must be true or false'],
  ])('answers %s with 400 naming %s', async (path, parameter, problem) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body).toMatchObject({ status: 400, title: 'Bad Request' });
    expect(body.errors).toEqual(
      expect.arrayContaining([{ field: parameter, detail: expect.stringContaining(problem) }]),
    );
    expect(body.detail).toContain(parameter);
  });

  it('answers 404 for an unknown event id', async () => {
    const { status, body } = await get(`/audit/events/${billwerkId(404)}`);
    expect(status).toBe(404);
    expect(body.detail).toContain(billwerkId(404));
  });

  it('verifies the chains, and reports a row changed behind its back', async () => {
    const intact = await get('/audit/verify');
    expect(intact.status).toBe(200);
    expect(intact.body.ok).toBe(true);

    const [victim] = [...accepted.keys()];
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await expect(
        client.query('DELETE FROM audit_events WHERE event_id = $1', [victim]),
      ).rejects.toThrow(/append-only/);
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await client.query(
        `UPDATE audit_events SET data = '{"Event":"Forged"}' WHERE event_id = $1`,
        [victim],
      );
    } finally {
      await client.end();
    }
    // Incremental verifies read only new rows; a row changed behind their back needs a full one.
    const tampered = await get('/audit/verify?full=true');
    expect(tampered.body.ok).toBe(false);
    const partitions = tampered.body.partitions as Array<{
      firstBrokenLink: { eventId: string } | null;
    }>;
    expect(partitions.filter((p) => p.firstBrokenLink !== null)).toEqual([
      expect.objectContaining({
        brokenLinks: 1,
        firstBrokenLink: expect.objectContaining({ eventId: victim }),
      }),
    ]);
  });

  it('exposes readiness and metrics', async () => {
    const ready = await fetch(`${auditUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${auditUrl}/metrics`)).text();
    expect(metrics).toContain('billwerk_audit_rows_written_total');
    expect(metrics).toContain('billwerk_audit_consumer_lag');
    // The verifies above, one intact and one after the tampering, as the chain alerts read them.
    expect(metrics).toMatch(/billwerk_audit_chain_verifications_total\{result="ok"[^}]*\} [1-9]/);
    expect(metrics).toMatch(
      /billwerk_audit_chain_verifications_total\{result="broken"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(/billwerk_audit_chain_broken_partitions\{[^}]*\} 1\n/);
  });
});
