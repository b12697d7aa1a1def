import { AUDIT_CHECKPOINT_FIELDS } from './audit-checkpoints';
import { CLOUDEVENT_ATTRIBUTES, CLOUDEVENT_CONTENT_TYPE, ENVELOPE_ATTRIBUTES } from './cloud-event';
import { BILLWERK_EVENTS, type HookFieldKind } from './event-catalog';
import {
  RETENTION_ACTION_SOURCE,
  RETENTION_ACTION_TYPES,
  RETENTION_CASE_KINDS,
} from './retention-actions';
import { AUDIT_CHECKPOINTS_TOPIC, BILLWERK_TOPICS, RETENTION_ACTIONS_TOPIC } from './topics';

type Schema = Record<string, unknown>;

const FIELD_SCHEMAS: Record<HookFieldKind, Schema> = {
  id: { $ref: '#/components/schemas/BillwerkId' },
  'id-list': { type: 'array', items: { $ref: '#/components/schemas/BillwerkId' } },
  'merchant-string': { type: 'string', description: "The merchant's own string, free text" },
  word: { type: 'string' },
  integer: { type: 'integer' },
  decimal: { type: 'number' },
  date: { type: 'string', format: 'date' },
  'date-time': { type: 'string', description: 'ISO 8601 timestamp as billwerk sends it' },
};

const TOPIC_DESCRIPTIONS: Record<string, string> = {
  'billwerk.contract.v1':
    'Contract lifecycle: orders, contract changes and cancellations, trial and billing reminders.',
  'billwerk.customer.v1': 'Customer records created, changed, deleted, locked, unlocked.',
  'billwerk.payment.v1': 'Payments, payment bearers, escalations and debit authorisations.',
  'billwerk.invoice.v1': 'Invoices, corrections and dunnings.',
  'billwerk.catalog.v1': 'Plans, plan variants and components.',
  'billwerk.reporting.v1': 'Reports and accounting exports.',
  'billwerk.unrecognized.v1':
    'Well-formed hooks whose event billwerk-bridge does not know yet. Fields are as billwerk sent them.',
  [AUDIT_CHECKPOINTS_TOPIC]:
    "The audit log's newest row per audited topic-partition, written by the audit app after each stored batch. Compacted: the latest per key. Keyed `<audit group>/<topic>/<partition>`. Its `/audit/verify` reports a table head behind its checkpoint as rows removed from the end.",
  [RETENTION_ACTIONS_TOPIC]:
    'Retention actions for the CRM and e-mail teams, decided from billwerk state. Keyed by ContractId. An action may be delivered twice with the same id after a crash: drop ids already seen.',
};

const RETENTION_ACTION_DESCRIPTIONS: Record<(typeof RETENTION_ACTION_TYPES)[number], string> = {
  WinBackOfferRequested:
    'A cancellation was registered: make the customer an offer (if any) while the notice period runs.',
  CancellationReminderDue:
    'The cancelled contract ends soon (a configured number of days before EndDate).',
  PaymentRecoveryRequested:
    'A payment problem needs the customer (failed payment, escalation, dunning, expiring card, …).',
  PaymentRecovered: 'billwerk confirms the payment problem is resolved.',
  TrialEndingNudge: 'The trial ends soon and the contract is still in its trial phase.',
};

const NULLABLE_STRING = { type: ['string', 'null'] };

function retentionSchemas(): Record<string, Schema> {
  return {
    RetentionActionEnvelope: {
      type: 'object',
      description: 'CloudEvents 1.0, structured mode.',
      required: [...CLOUDEVENT_ATTRIBUTES, 'data'],
      properties: {
        specversion: { type: 'string', const: '1.0' },
        id: {
          type: 'string',
          format: 'uuid',
          description: 'Stable per action: a redelivery carries the same id',
        },
        source: { type: 'string', const: RETENTION_ACTION_SOURCE },
        type: { type: 'string', pattern: '^retention\\.[A-Za-z]+$' },
        subject: { $ref: '#/components/schemas/BillwerkId' },
        time: { type: 'string', format: 'date-time' },
        datacontenttype: { type: 'string', const: 'application/json' },
        data: { $ref: '#/components/schemas/RetentionActionData' },
      },
    },
    RetentionActionData: {
      type: 'object',
      required: [
        'action',
        'caseId',
        'caseKind',
        'reason',
        'contractId',
        'customerId',
        'planVariantId',
        'offer',
        'endDate',
        'dueAt',
        'contact',
      ],
      properties: {
        action: { type: 'string', enum: [...RETENTION_ACTION_TYPES] },
        caseId: { type: 'string', format: 'uuid' },
        caseKind: { type: 'string', enum: [...RETENTION_CASE_KINDS] },
        reason: {
          type: 'string',
          description: 'The billwerk event or state that led to the action',
        },
        contractId: { $ref: '#/components/schemas/BillwerkId' },
        customerId: NULLABLE_STRING,
        planVariantId: NULLABLE_STRING,
        offer: {
          type: ['object', 'null'],
          required: ['discountId'],
          properties: {
            discountId: { type: 'string', description: 'The billwerk discount to offer' },
          },
        },
        endDate: {
          type: ['string', 'null'],
          format: 'date-time',
          description: "The contract's EndDate (win-back)",
        },
        dueAt: { type: 'string', format: 'date-time' },
        contact: {
          type: ['object', 'null'],
          description: 'Null once the customer asked to be erased',
          required: ['name', 'email', 'locale'],
          properties: { name: NULLABLE_STRING, email: NULLABLE_STRING, locale: NULLABLE_STRING },
        },
      },
    },
    RetentionKafkaHeaders: {
      type: 'object',
      required: ['content-type', 'ce_id', 'ce_type', 'ce_source'],
      properties: {
        'content-type': { type: 'string', const: CLOUDEVENT_CONTENT_TYPE },
        ce_id: { type: 'string' },
        ce_type: { type: 'string' },
        ce_source: { type: 'string', const: RETENTION_ACTION_SOURCE },
      },
    },
  };
}

const CHECKPOINT_DESCRIPTIONS: Record<keyof typeof AUDIT_CHECKPOINT_FIELDS, string> = {
  group: 'The audit consumer group whose log this is',
  topic: 'The audited topic',
  partition: 'The audited partition',
  offset: 'Kafka offset of the newest stored row (decimal)',
  seq: "That row's seq in audit_events (decimal)",
  hash: "That row's chain hash (hex)",
  keyId: 'The chain key of the hash; null for a legacy unkeyed row',
  at: 'When the checkpoint was written',
};

function auditCheckpointSchema(): Schema {
  const types: Record<string, Schema> = {
    string: { type: 'string' },
    integer: { type: 'integer', minimum: 0 },
    'string|null': { type: ['string', 'null'] },
    'date-time': { type: 'string', format: 'date-time' },
  };
  return {
    type: 'object',
    required: Object.keys(AUDIT_CHECKPOINT_FIELDS),
    properties: Object.fromEntries(
      Object.entries(AUDIT_CHECKPOINT_FIELDS).map(([field, type]) => [
        field,
        {
          ...types[type],
          description: CHECKPOINT_DESCRIPTIONS[field as keyof typeof AUDIT_CHECKPOINT_FIELDS],
        },
      ]),
    ),
  };
}

function channelId(topic: string): string {
  return topic.replace(/\.v(\d+)$/, 'V$1').replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
}

function envelopeFor(type: Schema, dataRef: string): Schema {
  return {
    allOf: [
      { $ref: '#/components/schemas/CloudEventEnvelope' },
      { type: 'object', properties: { type, data: { $ref: dataRef } } },
    ],
  };
}

/**
 * The AsyncAPI 3.0 document of every topic billwerk-bridge publishes, built from the catalog so
 * that it cannot drift from the code. `npm run asyncapi` writes it to docs/asyncapi.yaml.
 */
export function buildAsyncApiDocument(version: string): Schema {
  const messages: Record<string, Schema> = {};
  const schemas: Record<string, Schema> = {
    BillwerkId: {
      type: 'string',
      pattern: '^[0-9a-fA-F]{24}$',
      description: 'A billwerk id (MongoDB ObjectId): 24 hexadecimal characters',
    },
    CloudEventEnvelope: {
      type: 'object',
      description:
        'CloudEvents 1.0, structured mode. `data` is the billwerk hook body exactly as received.',
      required: [...ENVELOPE_ATTRIBUTES],
      properties: {
        specversion: { type: 'string', const: '1.0' },
        id: { type: 'string', format: 'uuid', description: 'New for every delivery of a hook' },
        source: {
          type: 'string',
          pattern: '^billwerk/',
          description: '`billwerk/<source>`: the billwerk account',
        },
        type: { type: 'string', pattern: '^billwerk\\.[A-Za-z]+$' },
        subject: {
          type: 'string',
          description: "The Kafka key: ContractId, else CustomerId, else the hook's own id",
        },
        time: { type: 'string', format: 'date-time', description: 'Receipt time' },
        datacontenttype: { type: 'string', const: 'application/json' },
        retrycount: {
          type: 'integer',
          minimum: 0,
          description: "billwerk's X-Retry-Count (0: first attempt)",
        },
        data: { type: 'object' },
      },
    },
    UnrecognizedHook: {
      type: 'object',
      required: ['Event'],
      properties: { Event: { type: 'string', pattern: '^[A-Za-z]+$' } },
      additionalProperties: true,
    },
  };

  const byTopic = new Map<string, string[]>(BILLWERK_TOPICS.map((topic) => [topic, []]));
  for (const [event, definition] of Object.entries(BILLWERK_EVENTS)) {
    const properties: Record<string, Schema> = { Event: { type: 'string', const: event } };
    for (const [field, kind] of Object.entries(
      definition.fields as Record<string, HookFieldKind>,
    )) {
      properties[field] = FIELD_SCHEMAS[kind];
    }
    schemas[`${event}Hook`] = {
      type: 'object',
      required: ['Event'],
      properties,
      additionalProperties: true,
      description: 'Fields beside Event are optional: older payloads carry only one id.',
    };
    messages[event] = {
      name: event,
      title: event,
      summary: definition.description,
      ...(definition.deprecated ? { deprecated: true } : {}),
      contentType: CLOUDEVENT_CONTENT_TYPE,
      headers: { $ref: '#/components/schemas/KafkaHeaders' },
      payload: envelopeFor(
        { type: 'string', const: `billwerk.${event}` },
        `#/components/schemas/${event}Hook`,
      ),
      bindings: {
        kafka: {
          key: {
            type: 'string',
            description: "ContractId, else CustomerId, else the hook's own id",
          },
          bindingVersion: '0.5.0',
        },
      },
    };
    byTopic.get(definition.topic)?.push(event);
  }
  messages.UnrecognizedBillwerkEvent = {
    name: 'UnrecognizedBillwerkEvent',
    title: 'An event not in the catalog',
    contentType: CLOUDEVENT_CONTENT_TYPE,
    headers: { $ref: '#/components/schemas/KafkaHeaders' },
    payload: envelopeFor(
      { type: 'string', pattern: '^billwerk\\.[A-Za-z]+$' },
      '#/components/schemas/UnrecognizedHook',
    ),
    bindings: { kafka: { key: { type: 'string' }, bindingVersion: '0.5.0' } },
  };
  byTopic.get('billwerk.unrecognized.v1')?.push('UnrecognizedBillwerkEvent');
  schemas.KafkaHeaders = {
    type: 'object',
    required: ['content-type', 'ce_id', 'ce_type', 'ce_source', 'traceparent'],
    properties: {
      'content-type': { type: 'string', const: CLOUDEVENT_CONTENT_TYPE },
      ce_id: { type: 'string' },
      ce_type: { type: 'string' },
      ce_source: { type: 'string' },
      traceparent: { type: 'string', description: 'W3C trace context' },
    },
  };

  Object.assign(schemas, retentionSchemas());
  for (const action of RETENTION_ACTION_TYPES) {
    messages[action] = {
      name: action,
      title: `retention.${action}`,
      summary: RETENTION_ACTION_DESCRIPTIONS[action],
      contentType: CLOUDEVENT_CONTENT_TYPE,
      headers: { $ref: '#/components/schemas/RetentionKafkaHeaders' },
      payload: {
        allOf: [
          { $ref: '#/components/schemas/RetentionActionEnvelope' },
          {
            type: 'object',
            properties: { type: { type: 'string', const: `retention.${action}` } },
          },
        ],
      },
      bindings: {
        kafka: { key: { type: 'string', description: 'ContractId' }, bindingVersion: '0.5.0' },
      },
    };
  }
  byTopic.set(RETENTION_ACTIONS_TOPIC, [...RETENTION_ACTION_TYPES]);

  schemas.AuditCheckpoint = auditCheckpointSchema();
  messages.AuditCheckpoint = {
    name: 'AuditCheckpoint',
    title: 'An audit chain head',
    summary: 'The newest stored audit row of one audited topic-partition',
    contentType: 'application/json',
    payload: { $ref: '#/components/schemas/AuditCheckpoint' },
    bindings: {
      kafka: {
        key: { type: 'string', description: '`<audit group>/<topic>/<partition>`' },
        bindingVersion: '0.5.0',
      },
    },
  };
  byTopic.set(AUDIT_CHECKPOINTS_TOPIC, ['AuditCheckpoint']);

  const channels: Record<string, Schema> = {};
  const operations: Record<string, Schema> = {};
  for (const [topic, events] of byTopic) {
    const id = channelId(topic);
    channels[id] = {
      address: topic,
      description: TOPIC_DESCRIPTIONS[topic],
      messages: Object.fromEntries(
        events.map((event) => [event, { $ref: `#/components/messages/${event}` }]),
      ),
      bindings: { kafka: { topic, bindingVersion: '0.5.0' } },
    };
    operations[`publish${id[0].toUpperCase()}${id.slice(1)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      messages: events.map((event) => ({ $ref: `#/channels/${id}/messages/${event}` })),
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'billwerk-bridge',
      version,
      description:
        'billwerk webhooks as CloudEvents on Kafka, and the audit log checkpoints. Hooks can arrive late, twice (as two events) or out of order across contracts: fetch current state from billwerk and act idempotently.',
    },
    defaultContentType: CLOUDEVENT_CONTENT_TYPE,
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The local Kafka of `npm start`',
      },
    },
    channels,
    operations,
    components: { messages, schemas },
  };
}
