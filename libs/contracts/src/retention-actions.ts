import { CLOUDEVENT_CONTENT_TYPE } from './cloud-event';

/**
 * The messages on `retention.actions.v1` (RETENTION_ACTIONS_TOPIC): what the retention app tells
 * the CRM and e-mail teams. Like the billwerk topics this is a published contract: fields are
 * only ever added.
 */
export const RETENTION_ACTION_SOURCE = 'billwerk-bridge/retention';
export const RETENTION_ACTION_TYPE_PREFIX = 'retention.';

export const RETENTION_ACTION_TYPES = [
  'WinBackOfferRequested',
  'CancellationReminderDue',
  'PaymentRecoveryRequested',
  'PaymentRecovered',
  'TrialEndingNudge',
] as const;
export type RetentionActionType = (typeof RETENTION_ACTION_TYPES)[number];

export const RETENTION_CASE_KINDS = ['win-back', 'payment-recovery', 'trial-conversion'] as const;
export type RetentionCaseKind = (typeof RETENTION_CASE_KINDS)[number];

export interface RetentionOffer {
  discountId: string;
}

export interface RetentionActionContact {
  name: string | null;
  email: string | null;
  /** billwerk's `Locale`, else its `Language` (e.g. `de-DE`, `en`). */
  locale: string | null;
}

/** The CloudEvent `data` of every retention action. */
export interface RetentionActionData {
  action: RetentionActionType;
  caseId: string;
  caseKind: RetentionCaseKind;
  reason: string;
  contractId: string;
  customerId: string | null;
  planVariantId: string | null;
  offer: RetentionOffer | null;
  /** The contract's EndDate for win-back actions, else null. */
  endDate: string | null;
  dueAt: string;
  /** Null once the customer's personal data was erased. */
  contact: RetentionActionContact | null;
}

/** Field types of RetentionActionData for the AsyncAPI document and the compatibility gate. */
export const RETENTION_ACTION_FIELDS: Record<keyof RetentionActionData, string> = {
  action: 'string',
  caseId: 'uuid',
  caseKind: 'string',
  reason: 'string',
  contractId: 'id',
  customerId: 'id|null',
  planVariantId: 'id|null',
  offer: 'object|null',
  endDate: 'date-time|null',
  dueAt: 'date-time',
  contact: 'object|null',
};

/** One action as a Kafka message: CloudEvents structured mode, keyed by its ContractId. */
export interface RetentionActionMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * The message published on RETENTION_ACTIONS_TOPIC for action `id`, created at `time`, with the
 * `traceparent` of the span that decided it when there is one.
 */
export function retentionActionMessage(
  id: string,
  time: string,
  data: RetentionActionData,
  traceparent?: string | null,
): RetentionActionMessage {
  const type = RETENTION_ACTION_TYPE_PREFIX + data.action;
  const envelope = {
    specversion: '1.0',
    id,
    source: RETENTION_ACTION_SOURCE,
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
      'content-type': CLOUDEVENT_CONTENT_TYPE,
      ce_id: id,
      ce_type: type,
      ce_source: RETENTION_ACTION_SOURCE,
      ...(traceparent ? { traceparent } : {}),
    },
  };
}
