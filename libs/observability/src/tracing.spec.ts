import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SpanCollector } from '../../../test/support/span-collector';
import {
  activeTraceparent,
  contextOf,
  inSpan,
  spanContextOf,
  startTracing,
  stopTracing,
  traceLogFields,
  TracingConfigError,
  tracingEnabled,
} from './tracing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER = `00-${TRACE}-00f067aa0ba902b7-01`;

describe('startTracing', () => {
  afterEach(() => stopTracing());

  it('starts nothing without an OTLP endpoint, or when the SDK is disabled', () => {
    expect(startTracing('test', { env: {} })).toBe(false);
    expect(
      startTracing('test', {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' },
      }),
    ).toBe(false);
    expect(tracingEnabled()).toBe(false);
  });

  it('refuses an endpoint that is no http(s) URL and a protocol it cannot send, naming the variable', () => {
    expect(() =>
      startTracing('test', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' } }),
    ).toThrow(TracingConfigError);
    expect(() =>
      startTracing('test', {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      }),
    ).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http/json');
    expect(tracingEnabled()).toBe(false);
  });

  it('with tracing off, inSpan just runs the work and nothing carries trace fields', async () => {
    await expect(
      inSpan('work', { kind: SpanKind.INTERNAL }, (span) => Promise.resolve(span)),
    ).resolves.toBe(undefined);
    expect(activeTraceparent()).toBeUndefined();
    expect(traceLogFields()).toEqual({});
  });
});

describe('spans', () => {
  const collector = new SpanCollector();
  beforeEach(() => collector.start('unit'));
  afterEach(() => stopTracing());

  it('nests what a span awaits under it and continues a caller traceparent', async () => {
    let inner: string | undefined;
    let fields: Record<string, string> = {};
    await inSpan('outer', { kind: SpanKind.SERVER, parent: contextOf(CALLER) }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await inSpan('inner', { kind: SpanKind.INTERNAL }, () => {
        inner = activeTraceparent();
        fields = traceLogFields();
        return Promise.resolve();
      });
    });
    const [innerSpan, outerSpan] = await collector.stop();
    expect(outerSpan.name).toBe('outer');
    expect(outerSpan.spanContext().traceId).toBe(TRACE);
    expect(outerSpan.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(innerSpan.parentSpanContext?.spanId).toBe(outerSpan.spanContext().spanId);
    expect(inner).toBe(`00-${TRACE}-${innerSpan.spanContext().spanId}-01`);
    expect(fields).toEqual({ trace_id: TRACE, span_id: innerSpan.spanContext().spanId });
    expect(outerSpan.resource.attributes['service.name']).toBe('unit');
  });

  it('records a throw as the span failing, and rethrows it', async () => {
    await expect(
      inSpan('failing', { kind: SpanKind.INTERNAL }, () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    const [span] = await collector.stop();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(span.events.map((event) => event.name)).toEqual(['exception']);
  });
});

describe('spanContextOf', () => {
  it('reads a W3C traceparent and refuses malformed or all-zero ones', () => {
    expect(spanContextOf(CALLER)).toEqual({
      traceId: TRACE,
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      isRemote: true,
    });
    for (const bad of [undefined, '', 'garbage', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`]) {
      expect(spanContextOf(bad)).toBeUndefined();
    }
    expect(trace.getSpanContext(contextOf('garbage'))).toBeUndefined();
  });
});
