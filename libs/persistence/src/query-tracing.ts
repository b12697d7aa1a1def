import { failSpan, startSpan, tracingEnabled } from '@app/observability';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { DataSource } from 'typeorm';
import { wrapQueries } from './query-wrapping';

/** Long statements (bulk inserts) are cut: the span shows which statement, not all its rows. */
const MAX_QUERY_TEXT = 1000;

/**
 * With tracing on, each SQL statement run inside a traced operation (a hook's request, a
 * consume) is a CLIENT span `<VERB> <database system>` with the statement's text; parameters
 * are never recorded (they carry customer data). Statements outside any span (pollers' idle
 * rounds) are not traced: a trace per poll would bury the hooks' traces.
 */
export function traceQueries(dataSource: DataSource): DataSource {
  if (!tracingEnabled()) return dataSource;
  const system = dataSource.options.type === 'postgres' ? 'postgresql' : 'sqlite';
  const database = String(dataSource.options.database ?? '');
  wrapQueries(dataSource, async (query, args) => {
    if (trace.getSpan(context.active())?.isRecording() !== true) return query(...args);
    const text = typeof args[0] === 'string' ? args[0] : '';
    const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
    const span = startSpan(`${verb} ${system}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': system,
        'db.operation.name': verb,
        'db.query.text': text.slice(0, MAX_QUERY_TEXT),
        ...(database ? { 'db.namespace': database } : {}),
      },
    });
    try {
      return await context.with(trace.setSpan(context.active(), span), () => query(...args));
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
  return dataSource;
}
