import type { Offer } from './offer-rules';
import type { ActionType, CaseKind } from './retention-model';

/** Retention's actions for the CRM and e-mail teams; the contract is in apps/retention/README.md. */
export const RETENTION_ACTIONS_TOPIC = 'retention.actions.v1';
/** Hooks retention can never process, with the error and origin in headers. */
export const RETENTION_DLQ_TOPIC = 'billwerk.retention.dlq.v1';

export const ACTION_SOURCE = 'billwerk-bridge/retention';
export const ACTION_TYPE_PREFIX = 'retention.';

export interface ActionContact {
  name: string | null;
  email: string | null;
  /** billwerk's `Locale`, else its `Language` (e.g. `de-DE`, `en`). */
  locale: string | null;
}

/** The CloudEvent `data` of every retention action. */
export interface RetentionActionData {
  action: ActionType;
  caseId: string;
  caseKind: CaseKind;
  reason: string;
  contractId: string;
  customerId: string | null;
  planVariantId: string | null;
  offer: Offer | null;
  /** The contract's EndDate for win-back actions, else null. */
  endDate: string | null;
  dueAt: string;
  /** Null once the customer's personal data was erased. */
  contact: ActionContact | null;
}

export interface ActionMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** The Kafka message for one action: CloudEvents structured mode, keyed by ContractId. */
export function actionMessage(id: string, time: string, data: RetentionActionData): ActionMessage {
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
    },
  };
}
