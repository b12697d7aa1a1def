import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import Fastify from 'fastify';
import { SpanCollector } from '../../../test/support/span-collector';
import { traceHttpRequests } from './http-tracing';
import { activeTraceparent, stopTracing } from './tracing';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('traceHttpRequests', () => {
  const collector = new SpanCollector();
  afterEach(() => stopTracing());

  it('makes a SERVER span per request, current in the handler, and none for probes', async () => {
    collector.start();
    const fastify = Fastify();
    traceHttpRequests(fastify);
    let inHandler: string | undefined;
    fastify.post('/cases/:id/close', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      inHandler = activeTraceparent();
      return { ok: true };
    });
    fastify.get('/health/ready', () => ({ status: 'ok' }));
    fastify.get('/broken', () => Promise.reject(new Error('boom')));
    try {
      const closed = await fastify.inject({
        method: 'POST',
        url: '/cases/c-1/close',
        payload: { reason: 'x' },
        headers: { traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01` },
      });
      expect(closed.statusCode).toBe(200);
      expect((await fastify.inject({ url: '/health/ready' })).statusCode).toBe(200);
      expect((await fastify.inject({ url: '/broken' })).statusCode).toBe(500);
    } finally {
      await fastify.close();
    }
    const spans = await collector.stop();
    expect(spans.map((span) => [span.name, span.kind, span.status.code])).toEqual([
      ['POST /cases/:id/close', SpanKind.SERVER, SpanStatusCode.UNSET],
      ['GET /broken', SpanKind.SERVER, SpanStatusCode.ERROR],
    ]);
    const [close] = spans;
    expect(close.spanContext().traceId).toBe(CALLER_TRACE);
    expect(close.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(close.attributes).toMatchObject({
      'http.route': '/cases/:id/close',
      'http.response.status_code': 200,
    });
    expect(inHandler).toBe(`00-${CALLER_TRACE}-${close.spanContext().spanId}-01`);
  });

  it('adds nothing with tracing off', async () => {
    const fastify = Fastify();
    traceHttpRequests(fastify);
    fastify.get('/x', () => ({ trace: activeTraceparent() ?? null }));
    const answer = await fastify.inject({ url: '/x' });
    await fastify.close();
    expect(answer.json()).toEqual({ trace: null });
  });
});
