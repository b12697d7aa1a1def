import { AUDIT_CHECKPOINT_FIELDS } from './audit-checkpoints';
import { BILLWERK_EVENTS, type HookFieldKind } from './event-catalog';
import { RETENTION_ACTION_FIELDS, RETENTION_ACTION_TYPES } from './retention-actions';
import { AUDIT_CHECKPOINTS_TOPIC, RETENTION_ACTIONS_TOPIC } from './topics';

/**
 * What subscribers depend on, reduced to what a compatibility check compares: per topic, its
 * message types and their fields with types. Descriptions and ordering are not contract.
 */
export interface ContractModel {
  topics: Record<string, { messages: Record<string, { fields: Record<string, string> }> }>;
}

const ENVELOPE_FIELDS: Record<string, string> = {
  specversion: 'string',
  id: 'string',
  source: 'string',
  type: 'string',
  subject: 'string',
  time: 'date-time',
  datacontenttype: 'string',
  retrycount: 'integer',
  data: 'object',
};

const RETENTION_ENVELOPE_FIELDS: Record<string, string> = Object.fromEntries(
  Object.entries(ENVELOPE_FIELDS).filter(([name]) => name !== 'retrycount'),
);

/** The contract model of everything billwerk-bridge publishes, from the catalog. */
export function currentContractModel(): ContractModel {
  const model: ContractModel = { topics: {} };
  const add = (topic: string, type: string, fields: Record<string, string>): void => {
    model.topics[topic] ??= { messages: {} };
    model.topics[topic].messages[type] = {
      fields: { ...prefixed('envelope', ENVELOPE_FIELDS), ...prefixed('data', fields) },
    };
  };
  for (const [event, definition] of Object.entries(BILLWERK_EVENTS)) {
    const fields: Record<string, string> = { Event: 'string' };
    for (const [field, kind] of Object.entries(
      definition.fields as Record<string, HookFieldKind>,
    )) {
      fields[field] = kind;
    }
    add(definition.topic, `billwerk.${event}`, fields);
  }
  add('billwerk.unrecognized.v1', 'billwerk.*', { Event: 'string' });
  for (const action of RETENTION_ACTION_TYPES) {
    model.topics[RETENTION_ACTIONS_TOPIC] ??= { messages: {} };
    model.topics[RETENTION_ACTIONS_TOPIC].messages[`retention.${action}`] = {
      fields: {
        ...prefixed('envelope', RETENTION_ENVELOPE_FIELDS),
        ...prefixed('data', RETENTION_ACTION_FIELDS),
      },
    };
  }
  model.topics[AUDIT_CHECKPOINTS_TOPIC] = {
    messages: { 'audit.checkpoint': { fields: prefixed('value', AUDIT_CHECKPOINT_FIELDS) } },
  };
  return model;
}

function prefixed(prefix: string, fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).map(([name, type]) => [`${prefix}.${name}`, type]),
  );
}
