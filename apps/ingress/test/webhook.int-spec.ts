import { BILLWERK_EVENTS, BILLWERK_TOPICS, hookKey, type BillwerkCloudEvent } from '@app/contracts';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import {
  ALL_EVENTS,
  billwerkId,
  fullHook,
  legacyHook,
} from '../../../test/fixtures/billwerk-hooks';
import {
  endOffsets,
  readBetween,
  testKafka,
  type ReadMessage,
} from '../../../test/support/topic-reader';
import {
  basicAuthHeader,
  postChunked,
  postHook,
  SANDBOX_TOKEN,
  startIngress,
  type RunningIngress,
} from './ingress-harness';

let ingress: RunningIngress;
let kafka: Kafka;

beforeAll(async () => {
  kafka = testKafka();
  ingress = await startIngress();
});

afterAll(async () => {
  await ingress.close();
});

/** Posts while recording the topics' offsets before and after, and returns what was written. */
async function published<T>(
  send: () => Promise<T>,
): Promise<{ result: T; messages: ReadMessage[] }> {
  const before = await endOffsets(kafka, BILLWERK_TOPICS);
  const result = await send();
  const after = await endOffsets(kafka, BILLWERK_TOPICS);
  return { result, messages: await readBetween(kafka, before, after) };
}

describe('every catalog event, in both payload generations', () => {
  interface Sent {
    event: string;
    raw: string;
    body: Record<string, unknown>;
    id: string;
    source: string;
    retryCount: number;
  }

  let sent: Sent[];
  let messages: ReadMessage[];

  beforeAll(async () => {
    const cases = ALL_EVENTS.flatMap((event, index) =>
      [fullHook(event), legacyHook(event)].map((body, generation) => ({
        event,
        body,
        // Alternate the two ways billwerk can authenticate, and the spacing billwerk may use.
        viaToken: (index + generation) % 2 === 0,
        raw: generation === 0 ? JSON.stringify(body, null, 2) : JSON.stringify(body),
        retryCount: index % 4,
      })),
    );
    ({ result: sent, messages } = await published(() =>
      Promise.all(
        cases.map(async (c) => {
          const response = await postHook(
            c.viaToken
              ? `${ingress.url}/billwerk-hook/${SANDBOX_TOKEN}`
              : `${ingress.url}/billwerk-hook`,
            c.raw,
            {
              ...(c.viaToken ? {} : { authorization: basicAuthHeader() }),
              ...(c.retryCount > 0 ? { 'x-retry-count': String(c.retryCount) } : {}),
            },
          );
          expect(response.status).toBe(202);
          return {
            event: c.event,
            raw: c.raw,
            body: c.body,
            id: response.body.id as string,
            source: c.viaToken ? 'sandbox' : 'production',
            retryCount: c.retryCount,
          };
        }),
      ),
    ));
  });

  it('writes each hook exactly once', () => {
    const ids = messages.map((m) => m.headers.ce_id);
    for (const hook of sent) {
      expect(ids.filter((id) => id === hook.id)).toHaveLength(1);
    }
    expect(new Set(sent.map((s) => s.id)).size).toBe(sent.length);
  });

  it('routes each event to its topic, keyed by its aggregate', () => {
    for (const hook of sent) {
      const message = messages.find((m) => m.headers.ce_id === hook.id) as ReadMessage;
      const definition = BILLWERK_EVENTS[hook.event as keyof typeof BILLWERK_EVENTS];
      expect({ event: hook.event, topic: message.topic }).toEqual({
        event: hook.event,
        topic: definition.topic,
      });
      expect(message.key).toBe(hookKey(hook.body, hook.id));
    }
  });

  it('wraps each hook in a CloudEvents envelope with its data exactly as sent', () => {
    for (const hook of sent) {
      const message = messages.find((m) => m.headers.ce_id === hook.id) as ReadMessage;
      const envelope = JSON.parse(message.value) as BillwerkCloudEvent;
      expect(envelope).toEqual({
        specversion: '1.0',
        id: hook.id,
        source: `billwerk/${hook.source}`,
        type: `billwerk.${hook.event}`,
        subject: message.key,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        datacontenttype: 'application/json',
        retrycount: hook.retryCount,
        data: hook.body,
      });
      expect(Object.keys(envelope.data)).toEqual(Object.keys(hook.body));
      expect(message.value.endsWith(`"data":${hook.raw}}`)).toBe(true);
      expect(Date.now() - Date.parse(envelope.time)).toBeLessThan(120_000);
    }
  });

  it('sets the CloudEvents Kafka headers and a trace context', () => {
    for (const hook of sent) {
      const message = messages.find((m) => m.headers.ce_id === hook.id) as ReadMessage;
      expect(message.headers).toEqual({
        'content-type': 'application/cloudevents+json',
        ce_id: hook.id,
        ce_type: `billwerk.${hook.event}`,
        ce_source: `billwerk/${hook.source}`,
        traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
      });
    }
  });
});

describe('hooks beyond the catalog and repeated hooks', () => {
  it('accepts an unknown event, routes it to billwerk.unrecognized.v1 and counts it', async () => {
    const body = JSON.stringify({
      Event: 'ContractTeleported',
      ContractId: billwerkId(),
      Planet: 'Mars',
    });
    const { result, messages } = await published(() =>
      postHook(`${ingress.url}/billwerk-hook/${SANDBOX_TOKEN}`, body),
    );
    expect(result.status).toBe(202);
    expect(messages.map((m) => [m.topic, m.headers.ce_id])).toEqual([
      ['billwerk.unrecognized.v1', result.body.id],
    ]);
    const metrics = await (await fetch(`${ingress.url}/metrics`)).text();
    expect(metrics).toMatch(
      /billwerk_ingress_unrecognized_events_total\{event="ContractTeleported"[^}]*\} 1/,
    );
  });

  it('never merges identical bodies: two equal hooks are two events', async () => {
    const body = JSON.stringify(fullHook('ContractChanged'));
    const { result, messages } = await published(() =>
      Promise.all(
        [1, 2].map(() => postHook(`${ingress.url}/billwerk-hook/${SANDBOX_TOKEN}`, body)),
      ),
    );
    expect(result.map((r) => r.status)).toEqual([202, 202]);
    expect(result[0].body.id).not.toBe(result[1].body.id);
    expect(messages).toHaveLength(2);
    expect(messages.map((m) => m.headers.ce_id).sort()).toEqual(
      result.map((r) => r.body.id).sort(),
    );
  });

  it('continues a trace the caller started', async () => {
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { messages } = await published(() =>
      postHook(
        `${ingress.url}/billwerk-hook/${SANDBOX_TOKEN}`,
        JSON.stringify(fullHook('CustomerCreated')),
        {
          traceparent: `00-${trace}-00f067aa0ba902b7-01`,
        },
      ),
    );
    expect(messages[0].headers.traceparent).toMatch(new RegExp(`^00-${trace}-[0-9a-f]{16}-01$`));
  });
});

describe('bad input: the right status, a message naming the problem, nothing published', () => {
  const marker = randomUUID();
  const good = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      Event: 'ContractCancelled',
      ContractId: billwerkId(),
      Marker: marker,
      ...extra,
    });
  const hookUrl = () => `${ingress.url}/billwerk-hook`;
  const auth = () => ({ authorization: basicAuthHeader() });
  const nest = (levels: number): unknown => (levels === 0 ? marker : { n: nest(levels - 1) });

  const cases: Array<{
    name: string;
    send: () => ReturnType<typeof postHook>;
    status: number;
    message: RegExp;
    field?: string;
  }> = [
    {
      name: 'malformed JSON',
      send: () => postHook(hookUrl(), `{"Event":"X","Marker":"${marker}"`, auth()),
      status: 400,
      message: /not valid JSON/,
    },
    {
      name: 'a trailing comma',
      send: () => postHook(hookUrl(), `{"Event":"X","Marker":"${marker}",}`, auth()),
      status: 400,
      message: /not valid JSON/,
    },
    {
      name: 'an empty body',
      send: () => postHook(hookUrl(), '', auth()),
      status: 400,
      message: /empty/,
    },
    {
      name: 'a JSON array',
      send: () => postHook(hookUrl(), `[{"Event":"X","Marker":"${marker}"}]`, auth()),
      status: 400,
      message: /JSON object/,
      field: '(body)',
    },
    {
      name: 'a missing Event',
      send: () =>
        postHook(hookUrl(), JSON.stringify({ ContractId: billwerkId(), Marker: marker }), auth()),
      status: 400,
      message: /Event is required/,
      field: 'Event',
    },
    {
      name: 'an empty Event',
      send: () => postHook(hookUrl(), good({ Event: '' }), auth()),
      status: 400,
      message: /Event must not be empty/,
      field: 'Event',
    },
    {
      name: 'a numeric Event',
      send: () => postHook(hookUrl(), good({ Event: 7 }), auth()),
      status: 400,
      message: /Event must be a string/,
      field: 'Event',
    },
    {
      name: 'an Event with non-letters',
      send: () => postHook(hookUrl(), good({ Event: 'Contract_Cancelled' }), auth()),
      status: 400,
      message: /letters only/,
      field: 'Event',
    },
    {
      name: 'a malformed ContractId',
      send: () => postHook(hookUrl(), good({ ContractId: 'not-an-id' }), auth()),
      status: 400,
      message: /ContractId must be a billwerk id/,
      field: 'ContractId',
    },
    {
      name: 'a numeric CustomerId',
      send: () => postHook(hookUrl(), good({ CustomerId: 12345 }), auth()),
      status: 400,
      message: /CustomerId must be a billwerk id/,
      field: 'CustomerId',
    },
    {
      name: 'a malformed ContractID',
      send: () => postHook(hookUrl(), good({ Event: 'DunningCreated', ContractID: 'x' }), auth()),
      status: 400,
      message: /ContractID/,
      field: 'ContractID',
    },
    {
      name: 'a bad id in NewInvoiceDraftIds',
      send: () =>
        postHook(
          hookUrl(),
          good({ Event: 'InvoiceCorrected', NewInvoiceDraftIds: [billwerkId(), 'x'] }),
          auth(),
        ),
      status: 400,
      message: /NewInvoiceDraftIds/,
      field: 'NewInvoiceDraftIds',
    },
    {
      name: 'nesting deeper than 8',
      send: () => postHook(hookUrl(), good({ Deep: nest(8) }), auth()),
      status: 400,
      message: /deeper than 8/,
    },
    {
      name: 'a bad X-Retry-Count',
      send: () => postHook(hookUrl(), good(), { ...auth(), 'x-retry-count': 'soon' }),
      status: 400,
      message: /X-Retry-Count/,
      field: 'X-Retry-Count',
    },
    {
      name: 'a body over 64 KiB',
      send: () => postHook(hookUrl(), good({ Padding: 'x'.repeat(64 * 1024) }), auth()),
      status: 413,
      message: /64 KiB/,
    },
    {
      name: 'a chunked body over 64 KiB that announces no length',
      send: () =>
        postChunked(
          hookUrl(),
          [
            good({ Padding: 'x'.repeat(40 * 1024) }).slice(0, -1),
            `,"More":"${'y'.repeat(40 * 1024)}"}`,
          ],
          auth(),
        ),
      status: 413,
      message: /64 KiB/,
    },
    {
      name: 'a charset other than UTF-8',
      send: () =>
        postHook(hookUrl(), good(), {
          ...auth(),
          'content-type': 'application/json; charset=latin1',
        }),
      status: 415,
      message: /application\/json.*latin1/,
    },
    {
      name: 'text/plain',
      send: () => postHook(hookUrl(), good(), { ...auth(), 'content-type': 'text/plain' }),
      status: 415,
      message: /application\/json.*text\/plain/,
    },
    {
      name: 'form encoding',
      send: () =>
        postHook(hookUrl(), `Event=X&Marker=${marker}`, {
          ...auth(),
          'content-type': 'application/x-www-form-urlencoded',
        }),
      status: 415,
      message: /application\/json/,
    },
    {
      name: 'GET',
      send: () => postHook(hookUrl(), '', auth(), 'GET'),
      status: 405,
      message: /GET is not allowed/,
    },
    {
      name: 'PUT',
      send: () => postHook(hookUrl(), good(), auth(), 'PUT'),
      status: 405,
      message: /PUT is not allowed/,
    },
    {
      name: 'DELETE with a token',
      send: () => postHook(`${hookUrl()}/${SANDBOX_TOKEN}`, '', {}, 'DELETE'),
      status: 405,
      message: /DELETE is not allowed/,
    },
    {
      name: 'no credentials',
      send: () => postHook(hookUrl(), good()),
      status: 401,
      message: /credentials/,
    },
    {
      name: 'a wrong password',
      send: () =>
        postHook(hookUrl(), good(), { authorization: basicAuthHeader('billwerk', 'guess') }),
      status: 401,
      message: /credentials/,
    },
    {
      name: 'a wrong path token',
      send: () => postHook(`${hookUrl()}/wrong-token`, good()),
      status: 401,
      message: /credentials/,
    },
    {
      name: 'a bearer token',
      send: () => postHook(hookUrl(), good(), { authorization: `Bearer ${SANDBOX_TOKEN}` }),
      status: 401,
      message: /credentials/,
    },
  ];

  let answers: Array<Awaited<ReturnType<typeof postHook>>>;
  let messages: ReadMessage[];

  beforeAll(async () => {
    ({ result: answers, messages } = await published(async () => {
      const results = [];
      for (const c of cases) results.push(await c.send());
      // A valid hook afterwards proves the reader saw everything written meanwhile.
      results.push(
        await postHook(
          `${ingress.url}/billwerk-hook/${SANDBOX_TOKEN}`,
          good({ Marker: 'sentinel' }),
        ),
      );
      return results;
    }));
  });

  it.each(cases.map((c, index) => [c.name, index] as const))('%s', (_name, index) => {
    const c = cases[index];
    const answer = answers[index];
    expect({ status: answer.status, detail: answer.body.detail }).toEqual({
      status: c.status,
      detail: expect.stringMatching(c.message),
    });
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status: c.status, title: expect.any(String) });
    expect(answer.body.type).toMatch(/^urn:billwerk-bridge:problem:/);
    if (c.field) {
      expect(answer.body.errors).toEqual(
        expect.arrayContaining([{ field: c.field, detail: expect.any(String) }]),
      );
    }
    if (c.status === 401) expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
    if (c.status === 405) expect(answer.headers.get('allow')).toBe('POST');
  });

  it('published none of them', () => {
    expect(answers[answers.length - 1].status).toBe(202);
    expect(messages.filter((m) => m.value.includes(marker))).toEqual([]);
    expect(messages.filter((m) => m.value.includes('sentinel'))).toHaveLength(1);
  });
});

describe('operations endpoints', () => {
  it('is live and ready with the broker up', async () => {
    expect((await fetch(`${ingress.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${ingress.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { broker: 'up', producer: 'connected' },
    });
  });

  it('exposes hook, latency, batch, queue and retry metrics for Prometheus', async () => {
    await postHook(
      `${ingress.url}/billwerk-hook/${SANDBOX_TOKEN}`,
      JSON.stringify(fullHook('PaymentFailed')),
      {
        'x-retry-count': '7',
      },
    );
    const response = await fetch(`${ingress.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(
      /billwerk_ingress_hooks_total\{event="PaymentFailed",source="sandbox",outcome="accepted"[^}]*\} \d+/,
    );
    expect(text).toMatch(
      /billwerk_ingress_hooks_total\{event="unknown",source="unknown",outcome="unauthorized"/,
    );
    expect(text).toMatch(
      /billwerk_ingress_publish_duration_seconds_bucket\{le="0.05",[^}]*outcome="ok"/,
    );
    expect(text).toMatch(/billwerk_ingress_batch_messages_count\{[^}]*\} [1-9]/);
    expect(text).toMatch(/billwerk_ingress_queue_depth\{[^}]*\} 0/);
    expect(text).toMatch(
      /billwerk_ingress_billwerk_retry_count_bucket\{le="7",[^}]*source="sandbox"[^}]*\} [1-9]/,
    );
    // The rejections the cases above provoked, by status and the error's code (docs/alerts.md).
    for (const [status, reason] of [
      ['400', 'INVALID_HOOK'],
      ['400', 'INVALID_JSON'],
      ['401', 'UNAUTHORIZED'],
      ['405', 'METHOD_NOT_ALLOWED'],
      ['413', 'BODY_TOO_LARGE'],
      ['415', 'UNSUPPORTED_MEDIA_TYPE'],
    ]) {
      expect(text).toMatch(
        new RegExp(
          `billwerk_ingress_hook_rejections_total\\{status="${status}",reason="${reason}"[^}]*\\} [1-9]`,
        ),
      );
    }
  });

  it('echoes a caller request id and logs nothing secret in responses', async () => {
    const response = await fetch(`${ingress.url}/health/live`, {
      headers: { 'x-request-id': 'req-123' },
    });
    expect(response.headers.get('x-request-id')).toBe('req-123');
  });
});
