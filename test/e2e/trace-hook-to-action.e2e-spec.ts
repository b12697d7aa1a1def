/**
 * One hook's trip as one trace: the real ingress, audit and retention processes export to an
 * OTLP/HTTP receiver in the test, a hook goes in, and the spans must form ONE tree from the
 * ingress's request through the Kafka send, the audit and retention consumes, retention's
 * billwerk calls and SQL, to the retention action's send and audit's consume of that action.
 */
import { BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC } from '@app/contracts';
import { ensureTopics } from '@app/messaging';
import { SpanKind } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { startIngressProcess, type IngressProcess } from '../../apps/ingress/test/ingress-process';
import { FakeBillwerk } from '../../apps/retention/test/fake-billwerk';
import { freePort, startAppProcess, type RunningAppProcess } from '../support/app-process';
import { createPostgresDatabase, type TestDatabase } from '../support/databases';
import { commitGroupAtEnd, testKafka } from '../support/kafka';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { waitFor } from '../support/wait-for';

jest.setTimeout(240_000);

const API_TOKEN = 'trace-test-token-0123456789abcdef';

describe('traces from hook to action', () => {
  const receiver = new OtlpReceiver();
  const billwerk = new FakeBillwerk();
  const auditGroup = `audit-trace-${randomUUID()}`;
  const retentionGroup = `retention-trace-${randomUUID()}`;
  let kafka: Kafka;
  let auditDatabase: TestDatabase;
  let retentionDatabase: TestDatabase;
  let ingress: IngressProcess | undefined;
  let audit: RunningAppProcess | undefined;
  let retention: RunningAppProcess | undefined;

  beforeAll(async () => {
    await receiver.start();
    await billwerk.start();
    kafka = testKafka();
    auditDatabase = await createPostgresDatabase('trace_audit');
    retentionDatabase = await createPostgresDatabase('trace_retention');
    const tracing = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      // Spans go out a tenth of a second after they end, not the default 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'info',
    };
    // Both groups start at the current end, so the test's hook is what they read, each alone.
    await ensureTopics(
      kafka,
      [...BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC].map((topic) => ({
        topic,
        numPartitions: 3,
        replicationFactor: 1,
      })),
    );
    await commitGroupAtEnd(kafka, auditGroup, [...BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC]);
    await commitGroupAtEnd(kafka, retentionGroup, BILLWERK_TOPICS);
    [ingress, audit, retention] = await Promise.all([
      startIngressProcess(tracing),
      (async () =>
        startAppProcess('audit', {
          ...tracing,
          AUDIT_PORT: String(await freePort()),
          AUDIT_HOST: '127.0.0.1',
          AUDIT_API_TOKENS: API_TOKEN,
          AUDIT_GROUP_ID: auditGroup,
          DATABASE_URL: auditDatabase.url ?? '',
        }))(),
      (async () =>
        startAppProcess('retention', {
          ...tracing,
          RETENTION_PORT: String(await freePort()),
          RETENTION_HOST: '127.0.0.1',
          RETENTION_API_TOKENS: API_TOKEN,
          RETENTION_GROUP_ID: retentionGroup,
          RETENTION_RELAY_INTERVAL_MS: '50',
          BILLWERK_API_URL: billwerk.url,
          BILLWERK_CLIENT_ID: 'trace-test',
          BILLWERK_CLIENT_SECRET: 'trace-test-secret',
          DATABASE_URL: retentionDatabase.url ?? '',
        }))(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([ingress?.stop(), audit?.stop(), retention?.stop()]);
    await auditDatabase?.drop();
    await retentionDatabase?.drop();
    await billwerk.stop();
    await receiver.stop();
  });

  it('spans one trace from the ingress request to the retention action and its audit', async () => {
    const contract = billwerk.addContract({
      CurrentPhase: {
        Type: 'Trial',
        StartDate: new Date(Date.now() - 10 * 86_400_000).toISOString(),
      },
    });
    const url = ingress?.url ?? '';
    await waitFor('ingress ready', async () => (await fetch(`${url}/health/ready`)).ok);
    const answer = await fetch(`${url}/billwerk-hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Event: 'TrialEndApproaching', ContractId: contract.Id }),
    });
    expect(answer.status).toBe(202);

    const root = await waitFor('the ingress request span', () =>
      receiver.spans.find((span) => span.name === 'POST /billwerk-hook'),
    );
    const inTrace = (): ReceivedSpan[] =>
      receiver.spans.filter((span) => span.traceId === root.traceId);
    // The trace is complete once audit has consumed the action retention published.
    await waitFor('audit to consume the retention action', () =>
      inTrace().some(
        (span) => span.service === 'audit' && span.name === `process ${RETENTION_ACTIONS_TOPIC}`,
      ),
    );
    // Spans end children first; a parent may still be on its way in the next export.
    await waitFor('every parent in the trace', () =>
      inTrace().every((span) => !parentOf(span) || byId(inTrace(), parentOf(span))),
    );
    const spans = inTrace();
    expect(receiver.refused).toEqual([]);

    // ONE tree: a single root (the ingress request, no caller trace given), every other span's
    // parent in the same trace.
    expect(spans.filter((span) => !parentOf(span))).toEqual([root]);
    expect(root).toMatchObject({ service: 'ingress', kind: otlpKind(SpanKind.SERVER) });
    expect(root.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/billwerk-hook',
      'http.response.status_code': 202,
    });

    const one = (service: string, name: string): ReceivedSpan => {
      const found = spans.filter((span) => span.service === service && span.name === name);
      expect(found.map((span) => `${span.service} ${span.name}`)).toEqual([`${service} ${name}`]);
      return found[0];
    };
    const hookSend = spans.find(
      (span) => span.service === 'ingress' && span.name.startsWith('send billwerk.'),
    );
    expect(hookSend).toMatchObject({
      parentSpanId: root.spanId,
      kind: otlpKind(SpanKind.PRODUCER),
    });
    const hookTopic = (hookSend?.name ?? '').replace('send ', '');
    const auditConsume = one('audit', `process ${hookTopic}`);
    const retentionConsume = one('retention', `process ${hookTopic}`);
    // Both consumers continue from the send span the record's traceparent names.
    for (const consume of [auditConsume, retentionConsume]) {
      expect(consume).toMatchObject({
        parentSpanId: hookSend?.spanId,
        kind: otlpKind(SpanKind.CONSUMER),
      });
      expect(consume.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': hookTopic,
      });
    }

    // The action retention decided while consuming the hook goes out in the same trace…
    const actionSend = one('retention', `send ${RETENTION_ACTIONS_TOPIC}`);
    expect(ancestors(spans, actionSend)).toContain(retentionConsume);
    // …and its record's traceparent names that send span: audit's consume of it hangs there.
    expect(one('audit', `process ${RETENTION_ACTIONS_TOPIC}`).parentSpanId).toBe(actionSend.spanId);

    // Database work and billwerk calls hang under the consumes that did them.
    const under = (consume: ReceivedSpan) =>
      spans.filter((span) => ancestors(spans, span).includes(consume));
    expect(
      under(auditConsume).filter((span) => span.attributes['db.system.name'] === 'postgresql'),
    ).not.toEqual([]);
    expect(
      under(retentionConsume).filter((span) => span.attributes['db.system.name'] === 'postgresql'),
    ).not.toEqual([]);
    const billwerkCalls = under(retentionConsume).filter(
      (span) => span.kind === otlpKind(SpanKind.CLIENT) && span.attributes['billwerk.operation'],
    );
    expect(billwerkCalls.map((span) => span.attributes['server.address'])).toContain('127.0.0.1');

    // Log lines written inside a span carry its trace id.
    const handled = (retention?.output() ?? '')
      .split('\n')
      .filter((line) => line.includes('"hook handled"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(handled).toEqual([
      expect.objectContaining({ trace_id: root.traceId, span_id: retentionConsume.spanId }),
    ]);
  });

  it("continues a caller's trace when the hook comes with a traceparent", async () => {
    const contract = billwerk.addContract();
    const caller = {
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
    };
    const answer = await fetch(`${ingress?.url ?? ''}/billwerk-hook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${caller.traceId}-${caller.spanId}-01`,
      },
      body: JSON.stringify({ Event: 'ContractChanged', ContractId: contract.Id }),
    });
    expect(answer.status).toBe(202);
    const request = await waitFor('the request span in the caller trace', () =>
      receiver.spans.find(
        (span) => span.traceId === caller.traceId && span.name === 'POST /billwerk-hook',
      ),
    );
    expect(request.parentSpanId).toBe(caller.spanId);
    await waitFor('retention to consume the hook in the caller trace', () =>
      receiver.spans.some(
        (span) => span.traceId === caller.traceId && span.service === 'retention',
      ),
    );
  });
});

/** OTLP JSON numbers span kinds from 1 (INTERNAL); the API's enum from 0. */
function otlpKind(kind: SpanKind): number {
  return kind + 1;
}

function parentOf(span: ReceivedSpan): string | undefined {
  return span.parentSpanId ? span.parentSpanId : undefined;
}

function byId(spans: ReceivedSpan[], id: string | undefined): ReceivedSpan | undefined {
  return spans.find((span) => span.spanId === id);
}

function ancestors(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const chain: ReceivedSpan[] = [];
  for (let at = byId(spans, parentOf(span)); at; at = byId(spans, parentOf(at))) chain.push(at);
  return chain;
}
