import { inSpan, stopTracing } from '@app/observability';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { SpanCollector } from '../../../test/support/span-collector';
import { RetryingTransport } from './retrying-transport';

describe('RetryingTransport tracing', () => {
  const collector = new SpanCollector();
  beforeEach(() => collector.start());
  afterEach(() => stopTracing());

  it('sends each attempt in a CLIENT span whose traceparent the request carries', async () => {
    const sent: Array<Record<string, string>> = [];
    const answers = [503, 200];
    const transport = new RetryingTransport({
      timeoutMs: 1000,
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
      fetch: ((_url: string, init: RequestInit) => {
        sent.push(init.headers as Record<string, string>);
        return Promise.resolve(new Response('{}', { status: answers.shift() }));
      }) as typeof fetch,
      sleep: () => Promise.resolve(),
      random: () => 0,
      now: () => 0,
    });
    await inSpan('consume', { kind: SpanKind.CONSUMER }, () =>
      transport.send({
        operation: 'getContract',
        method: 'GET',
        url: 'http://billwerk.test/api/v1/contracts/c-1?expand=x',
        headers: { authorization: 'Bearer t' },
        idempotent: true,
      }),
    );
    const [first, second, consume] = await collector.stop();
    expect([first.name, second.name, consume.name]).toEqual([
      'GET getContract',
      'GET getContract',
      'consume',
    ]);
    expect(first.kind).toBe(SpanKind.CLIENT);
    expect(first.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(first.status.code).toBe(SpanStatusCode.ERROR);
    expect(second.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': 'http://billwerk.test/api/v1/contracts/c-1',
      'http.response.status_code': 200,
      'http.request.resend_count': 1,
    });
    expect(sent.map((headers) => headers.traceparent)).toEqual(
      [first, second].map(
        (span) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`,
      ),
    );
    expect(sent[0].authorization).toBe('Bearer t');
  });
});
