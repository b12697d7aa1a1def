import { diag, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import pino from 'pino';

/**
 * The OpenTelemetry SDK, loaded only when tracing starts (see startTracing): a tracer provider
 * batching spans to OTLP/HTTP (or to `exporter`), registered with the async-local-storage
 * context manager and the W3C trace-context propagator. The exporter, the batch processor and
 * the sampler read their standard OTEL_* variables themselves.
 */
export function startSdk(
  serviceName: string,
  exporter: SpanExporter | undefined,
): { shutdown(): Promise<void> } {
  // The SDK reports export failures (collector away) through diag, silent unless given a logger.
  const otelLog = pino({
    base: { app: serviceName, component: 'otel' },
    formatters: { level: (label) => ({ level: label }) },
  });
  diag.setLogger(
    {
      error: (message, ...args) => otelLog.error({ args }, message),
      warn: (message, ...args) => otelLog.warn({ args }, message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      // Known when started through npm; a bare `node dist/...` has no version to tell.
      ...(process.env.npm_package_version
        ? { [ATTR_SERVICE_VERSION]: process.env.npm_package_version }
        : {}),
    }),
    spanProcessors: [new BatchSpanProcessor(exporter ?? new OTLPTraceExporter())],
  });
  provider.register();
  return provider;
}
