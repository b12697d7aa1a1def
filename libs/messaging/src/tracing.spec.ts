import { stopTracing } from '@app/observability';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { SpanCollector } from '../../../test/support/span-collector';
import { processSpan, traceSends } from './tracing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const parent = (span: string) => `00-${TRACE}-${span}-01`;

function record(offset: string, traceparent?: string): KafkaMessage {
  return {
    key: null,
    value: Buffer.from('{}'),
    offset,
    timestamp: '0',
    attributes: 0,
    headers: traceparent === undefined ? {} : { traceparent: Buffer.from(traceparent) },
  };
}

describe('traceSends', () => {
  it('leaves the batches untouched with tracing off', () => {
    const batches = [{ topic: 't', messages: [{ key: 'k', value: 'v', headers: { a: 'b' } }] }];
    expect(traceSends(batches).batches).toBe(batches);
  });

  describe('with tracing on', () => {
    const collector = new SpanCollector();
    beforeEach(() => collector.start());
    afterEach(() => stopTracing());

    it('gives each message a send span under the span its traceparent names, and names that span in the header', async () => {
      const sent = traceSends([
        {
          topic: 'billwerk.contract.v1',
          messages: [
            {
              key: 'c-1',
              value: 'v',
              headers: { traceparent: parent('00f067aa0ba902b7'), x: 'y' },
            },
            { key: 'c-2', value: 'v', headers: {} },
          ],
        },
      ]);
      sent.end(new Error('broker gone'));
      const spans = await collector.stop();
      expect(spans.map((span) => [span.name, span.kind, span.status.code])).toEqual([
        ['send billwerk.contract.v1', SpanKind.PRODUCER, SpanStatusCode.ERROR],
        ['send billwerk.contract.v1', SpanKind.PRODUCER, SpanStatusCode.ERROR],
      ]);
      expect(spans[0].parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      expect(spans[0].spanContext().traceId).toBe(TRACE);
      // No traceparent and no active span: the message starts a trace of its own.
      expect(spans[1].parentSpanContext).toBeUndefined();
      const [first, second] = sent.batches[0].messages;
      expect(first.headers).toEqual({ traceparent: parent(spans[0].spanContext().spanId), x: 'y' });
      expect(second.headers.traceparent).toBe(
        `00-${spans[1].spanContext().traceId}-${spans[1].spanContext().spanId}-01`,
      );
      expect(spans[0].attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': 'billwerk.contract.v1',
        'messaging.kafka.message.key': 'c-1',
      });
    });
  });
});

describe('processSpan', () => {
  const input = { topic: 'billwerk.contract.v1', partition: 2, groupId: 'g' };

  it('continues the trace of a call of one record', () => {
    const options = processSpan({ ...input, messages: [record('7', parent('00f067aa0ba902b7'))] });
    expect(options.name).toBe('process billwerk.contract.v1');
    expect(options.kind).toBe(SpanKind.CONSUMER);
    expect(trace.getSpanContext(options.parent ?? ROOT_CONTEXT)?.spanId).toBe('00f067aa0ba902b7');
    expect(options.attributes).toMatchObject({
      'messaging.destination.partition.id': '2',
      'messaging.consumer.group.name': 'g',
      'messaging.kafka.offset': 7,
    });
  });

  it('starts its own trace for a batch and links every record that carries a trace', () => {
    const options = processSpan({
      ...input,
      messages: [
        record('1', parent('00f067aa0ba902b7')),
        record('2'),
        record('3', parent('b7ad6b7169203331')),
      ],
    });
    expect(options.parent).toBe(ROOT_CONTEXT);
    expect(options.links?.map((link) => link.context.spanId)).toEqual([
      '00f067aa0ba902b7',
      'b7ad6b7169203331',
    ]);
    expect(options.attributes).toMatchObject({ 'messaging.batch.message_count': 3 });
    expect(context.active()).toBe(ROOT_CONTEXT);
  });
});
