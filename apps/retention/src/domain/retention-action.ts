import {
  RETENTION_ACTION_SOURCE as ACTION_SOURCE,
  RETENTION_ACTION_TYPE_PREFIX as ACTION_TYPE_PREFIX,
  type RetentionActionData,
} from '@app/contracts';

// The action contract lives in libs/contracts (published in docs/asyncapi.yaml).
export {
  RETENTION_ACTIONS_TOPIC,
  RETENTION_DLQ_TOPIC,
  RETENTION_ACTION_SOURCE as ACTION_SOURCE,
  RETENTION_ACTION_TYPE_PREFIX as ACTION_TYPE_PREFIX,
  type RetentionActionContact as ActionContact,
  type RetentionActionData,
} from '@app/contracts';

export interface ActionMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * The Kafka message for one action: CloudEvents structured mode, keyed by ContractId, with the
 * `traceparent` of the span that decided it when there is one.
 */
export function actionMessage(
  id: string,
  time: string,
  data: RetentionActionData,
  traceparent?: string | null,
): ActionMessage {
  const type = ACTION_TYPE_PREFIX + data.action;
  const envelope = {
    specversion: '1.0',
    id,
    source: ACTION_SOURCE,
    type,
    subject: data.contractId,
    time,
    datacontenttype: 'application/json',
    data,
  };
  return {
    key: data.contractId,
    value: JSON.stringify(envelope),
    headers: {
      'content-type': 'application/cloudevents+json',
      ce_id: id,
      ce_type: type,
      ce_source: ACTION_SOURCE,
      ...(traceparent ? { traceparent } : {}),
    },
  };
}
