import { inSpan, stopTracing } from '@app/observability';
import { SpanKind } from '@opentelemetry/api';
import { SpanCollector } from '../../../test/support/span-collector';
import { createDataSource } from './data-source';

describe('traceQueries', () => {
  const collector = new SpanCollector();
  beforeEach(() => collector.start());
  afterEach(() => stopTracing());

  it('makes a span of each statement run under a span, without its parameters, and none outside', async () => {
    const dataSource = createDataSource(
      { sqlitePath: ':memory:', poolSize: 1 },
      { entities: [], migrations: [] },
    );
    await dataSource.initialize();
    try {
      await dataSource.query('SELECT 1');
      await inSpan('consume', { kind: SpanKind.CONSUMER }, async () => {
        await dataSource.query('SELECT ? AS secret', ['customer@example.com']);
      });
    } finally {
      await dataSource.destroy();
    }
    const spans = await collector.stop();
    expect(spans.map((span) => span.name)).toEqual(['SELECT sqlite', 'consume']);
    const [query, consume] = spans;
    expect(query.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(query.kind).toBe(SpanKind.CLIENT);
    expect(query.attributes).toEqual({
      'db.system.name': 'sqlite',
      'db.operation.name': 'SELECT',
      'db.query.text': 'SELECT ? AS secret',
      'db.namespace': ':memory:',
    });
  });
});
