import type { RetentionActionContact as ActionContact, RetentionActionData } from '@app/contracts';
import type { ActionType, CaseKind, CaseOutcome, CaseView } from '../domain/retention-model';
import type { OutboxStatus } from './entities/outbox.entity';

/**
 * What the store hands out and takes: rows with their JSON columns parsed and their erasure
 * applied, so no caller sees a column's encoding.
 */

/** A stored case. */
export interface CaseRecord extends CaseView {
  contractId: string;
  customerId: string | null;
  /** Set while the case guards against a duplicate (see RetentionCaseEntity.dedupKey). */
  dedupKey: string | null;
  reason: string;
  planVariantId: string | null;
  offerDiscountId: string | null;
  /** Set while `apply-offer` talks to billwerk. */
  offerClaimedAt: string | null;
  /** As fetched when the case opened; null once the customer's data was erased. */
  contact: ActionContact | null;
  openedAt: string;
  closedAt: string | null;
}

/** A case to open; it is born closed with `closeWith` (a trial nudged once). */
export interface NewCase {
  kind: CaseKind;
  contractId: string;
  customerId: string | null;
  dedupKey: string;
  reason: string;
  endDate: string | null;
  planVariantId: string | null;
  offerDiscountId: string | null;
  contact: ActionContact | null;
  openedAt: string;
  closeWith?: CaseOutcome;
}

export interface CaseFilter {
  status?: CaseRecord['status'];
  kind?: CaseKind;
  contractId?: string;
  customerId?: string;
}

/** Whose cases an erasure hook names. */
export type ErasureScope = { customerId: string } | { contractId: string };

export type CaseEventType = 'hook' | 'state' | 'decision' | 'action' | 'operator';

/** One line of a case's (or, without a case, a contract's) timeline. */
export interface TimelineEntry {
  type: CaseEventType;
  /** Ids, dates and flags only, never names or addresses: erasure leaves it be. */
  detail: Record<string, unknown>;
}

export interface StoredTimelineEntry extends TimelineEntry {
  at: string;
}

/** An action to queue; its type and due time are the payload's. */
export interface NewAction {
  /** Unique: however often a hook is seen, an action is queued once. */
  actionKey: string;
  caseId: string;
  contractId: string;
  data: RetentionActionData;
  createdAt: string;
}

/** An action as the case API shows it. */
export interface ActionSummary {
  id: string;
  type: ActionType;
  status: OutboxStatus;
  dueAt: string;
  publishedAt: string | null;
}

/** A due action a relay claimed. */
export interface ClaimedAction {
  id: string;
  type: ActionType;
  data: RetentionActionData;
  /** The earlier claim that ran out, if any: that relay may have sent the action. */
  previousClaimUntil: string | null;
  /** The W3C traceparent of the span that queued it, when tracing was on. */
  traceparent: string | null;
}

/** A Kafka message as retention consumed it: what a parked hook keeps for its retry or the DLQ. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** A hook parked because billwerk could not be asked. */
export interface ParkedHook {
  id: string;
  message: ConsumedMessage;
  /** Attempts so far, the first one included. */
  attempts: number;
}
