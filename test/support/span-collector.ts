import { startTracing, stopTracing } from '@app/observability';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Starts tracing in this process with every span kept in memory, for unit specs. */
export class SpanCollector implements SpanExporter {
  readonly spans: ReadableSpan[] = [];

  /** Starts tracing afresh, forgetting spans collected before. */
  start(service = 'test'): void {
    this.spans.length = 0;
    const started = startTracing(service, {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' },
      exporter: this,
    });
    if (!started) throw new Error('tracing did not start');
  }

  /** Stops tracing; every span ended so far is in `spans` afterwards. */
  async stop(): Promise<ReadableSpan[]> {
    await stopTracing();
    return this.spans;
  }

  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.spans.push(...spans);
    done({ code: 0 });
  }

  async shutdown(): Promise<void> {}
}
