import {
  context,
  diag,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
} from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/** The OTLP encodings the exporter speaks: JSON over HTTP (what `exporter-trace-otlp-http` sends). */
const SUPPORTED_PROTOCOLS = new Set(['http/json']);
const TRACER_NAME = 'billwerk-bridge';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface TracingOptions {
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where spans go instead of OTLP (tests); the endpoint must still be set to start. */
  exporter?: SpanExporter;
}

/** A bad OTEL_* setting: the app stops at start-up with this one line. */
export class TracingConfigError extends Error {
  readonly code = 'TRACING_CONFIG';
}

let provider: { shutdown(): Promise<void> } | undefined;

/**
 * Starts OpenTelemetry tracing when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces-only
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set and `OTEL_SDK_DISABLED` is not `true`; otherwise
 * loads and starts nothing, and every span helper below is a branch on one boolean. Call it first in
 * `main.ts`, before Nest loads. Returns whether tracing is on.
 *
 * The exporter, the batch span processor and the sampler read the standard variables themselves
 * (`OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_*`, `OTEL_TRACES_SAMPLER`, …).
 */
export function startTracing(serviceName: string, options: TracingOptions = {}): boolean {
  const env = options.env ?? process.env;
  if (provider !== undefined) return true;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return false;
  checkUrl(endpoint);
  const protocol =
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/json';
  if (!SUPPORTED_PROTOCOLS.has(protocol)) {
    throw new TracingConfigError(
      `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: use http/json (OTLP/HTTP with JSON)`,
    );
  }
  // Loaded here, not imported: with tracing off the SDK is never loaded (about 10 MB and 50 ms).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  provider = startSdk(env.OTEL_SERVICE_NAME || serviceName, options.exporter);
  return true;
}

/** Sends the spans still buffered and stops the SDK; nothing to do when tracing is off. */
export async function stopTracing(): Promise<void> {
  const running = provider;
  provider = undefined;
  if (running === undefined) return;
  try {
    await running.shutdown();
  } finally {
    trace.disable();
    context.disable();
    propagation.disable();
    diag.disable();
  }
}

/** Whether spans are recorded: hot paths check this before building anything for a span. */
export function tracingEnabled(): boolean {
  return provider !== undefined;
}

function checkUrl(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TracingConfigError(
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://collector:4318',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TracingConfigError(
      `OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL (got ${url.protocol})`,
    );
  }
}

export interface TraceSpanOptions {
  kind: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** The parent; default: the active context. */
  parent?: Context;
}

/** Starts a span (callers check `tracingEnabled()` first, so the SDK is there). */
export function startSpan(name: string, options: TraceSpanOptions): Span {
  return trace
    .getTracer(TRACER_NAME)
    .startSpan(
      name,
      { kind: options.kind, attributes: options.attributes, links: options.links },
      options.parent ?? context.active(),
    );
}

/**
 * Runs `work` inside a span that is active for everything it awaits, recording a throw as the
 * span's error. With tracing off, just runs `work` (with no span).
 */
export async function inSpan<T>(
  name: string,
  options: TraceSpanOptions,
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (provider === undefined) return work(undefined);
  const span = startSpan(name, options);
  try {
    return await context.with(trace.setSpan(context.active(), span), () => work(span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error's message and type. */
export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** The W3C `traceparent` naming `span` (flags say whether it is sampled). */
export function traceparentOf(spanContext: SpanContext): string {
  const flags = spanContext.traceFlags & TraceFlags.SAMPLED ? '01' : '00';
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The `traceparent` of the active span, or undefined when tracing is off or no span is active. */
export function activeTraceparent(): string | undefined {
  if (provider === undefined) return undefined;
  const span = trace.getActiveSpan();
  return span === undefined ? undefined : traceparentOf(span.spanContext());
}

/** The remote span a W3C `traceparent` names, or undefined when it is missing or malformed. */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim());
  if (match === null || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined;
  return {
    traceId: match[1],
    spanId: match[2],
    traceFlags: Number.parseInt(match[3], 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
}

/** A context whose parent is the span `traceparent` names (a new trace when it names none). */
export function contextOf(traceparent: string | undefined): Context {
  const remote = spanContextOf(traceparent);
  return remote === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, remote);
}

/** pino's mixin: `trace_id` and `span_id` on every line logged while a span is active. */
export function traceLogFields(): Record<string, string> {
  // A new object each time: pino merges the line's fields into what the mixin returns.
  const span = provider === undefined ? undefined : trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
