import {
  contextOf,
  failSpan,
  spanContextOf,
  startSpan,
  traceparentOf,
  tracingEnabled,
  type TraceSpanOptions,
} from '@app/observability';
import { context, ROOT_CONTEXT, SpanKind, type Link, type Span } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import type { OutgoingMessage, TopicBatch } from './batching-publisher';

/** The header that carries W3C trace context across Kafka (set by the ingress on every hook). */
export const TRACEPARENT_HEADER = 'traceparent';

// OpenTelemetry's messaging conventions are still "development": their names are written out
// here, as its docs advise, rather than taken from the package's unstable entry point.
const MESSAGING_SYSTEM = 'messaging.system';
const MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
const MESSAGING_OPERATION_NAME = 'messaging.operation.name';
const MESSAGING_DESTINATION = 'messaging.destination.name';
const MESSAGING_PARTITION = 'messaging.destination.partition.id';
const MESSAGING_GROUP = 'messaging.consumer.group.name';
const MESSAGING_BATCH_COUNT = 'messaging.batch.message_count';
const MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset';
const MESSAGING_KAFKA_KEY = 'messaging.kafka.message.key';

type HeaderValue = string | Buffer | Array<string | Buffer> | undefined;

function headerText(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return headerText(value[0]);
  return value.toString();
}

export interface TracedSend {
  batches: TopicBatch[];
  /** Ends every message's span: failed when `error` is given. */
  end(error?: unknown): void;
}

/**
 * One PRODUCER span per message, `send <topic>`, child of the span the message's own
 * `traceparent` names (the ingress's HTTP span, retention's consume span), else of the active
 * span; the header is rewritten to name the send span, so consumers continue from it. With
 * tracing off, the batches go out untouched.
 */
export function traceSends(batches: TopicBatch[]): TracedSend {
  if (!tracingEnabled()) return { batches, end: () => undefined };
  const spans: Span[] = [];
  const traced = batches.map(({ topic, messages }) => ({
    topic,
    messages: messages.map((message): OutgoingMessage => {
      const given = headerText(message.headers[TRACEPARENT_HEADER]);
      const span = startSpan(`send ${topic}`, {
        kind: SpanKind.PRODUCER,
        parent: given === undefined ? context.active() : contextOf(given),
        attributes: {
          [MESSAGING_SYSTEM]: 'kafka',
          [MESSAGING_OPERATION_TYPE]: 'send',
          [MESSAGING_OPERATION_NAME]: 'send',
          [MESSAGING_DESTINATION]: topic,
          ...(typeof message.key === 'string' ? { [MESSAGING_KAFKA_KEY]: message.key } : {}),
        },
      });
      spans.push(span);
      return {
        ...message,
        headers: { ...message.headers, [TRACEPARENT_HEADER]: traceparentOf(span.spanContext()) },
      };
    }),
  }));
  return {
    batches: traced,
    end: (error?: unknown) => {
      for (const span of spans) {
        if (error !== undefined) failSpan(span, error);
        span.end();
      }
    },
  };
}

export interface ProcessSpanInput {
  topic: string;
  partition: number;
  groupId: string;
  messages: KafkaMessage[];
}

/**
 * The CONSUMER span of one handler call, `process <topic>`. A call of one record continues that
 * record's trace (child of its producer's span), so a hook's trace runs on into what consuming
 * it did. A call of several records belongs to none of them alone: it starts its own trace and
 * links every record's span (OpenTelemetry's convention for batch processing), and the database
 * work of the batch hangs under it once rather than under an arbitrary hook.
 */
export function processSpan(input: ProcessSpanInput): TraceSpanOptions & { name: string } {
  const { messages } = input;
  const single = messages.length === 1;
  const common = {
    name: `process ${input.topic}`,
    kind: SpanKind.CONSUMER,
    attributes: {
      [MESSAGING_SYSTEM]: 'kafka',
      [MESSAGING_OPERATION_TYPE]: 'process',
      [MESSAGING_OPERATION_NAME]: 'process',
      [MESSAGING_DESTINATION]: input.topic,
      [MESSAGING_PARTITION]: String(input.partition),
      [MESSAGING_GROUP]: input.groupId,
      ...(single
        ? { [MESSAGING_KAFKA_OFFSET]: Number(messages[0].offset) }
        : { [MESSAGING_BATCH_COUNT]: messages.length }),
    },
  };
  if (single) {
    return { ...common, parent: contextOf(headerText(messages[0].headers?.[TRACEPARENT_HEADER])) };
  }
  const links: Link[] = [];
  for (const message of messages) {
    const linked = spanContextOf(headerText(message.headers?.[TRACEPARENT_HEADER]));
    if (linked !== undefined) links.push({ context: linked });
  }
  return { ...common, parent: ROOT_CONTEXT, links };
}
