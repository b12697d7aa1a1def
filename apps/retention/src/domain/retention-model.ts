import {
  RETENTION_CASE_KINDS,
  type RetentionActionType,
  type RetentionCaseKind,
} from '@app/contracts';
import type { Offer } from './offer-rules';

export const CASE_KINDS = RETENTION_CASE_KINDS;
export type CaseKind = RetentionCaseKind;

export const CASE_STATUSES = ['open', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_OUTCOMES = [
  'won',
  'lost',
  'offer-applied',
  'superseded',
  'recovered',
  'nudged',
  'erased',
  'closed-manually',
] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

/** Actions published on `retention.actions.v1` as `retention.<Action>` (see libs/contracts). */
export type ActionType = RetentionActionType;

/** What a decision needs to know about a case already stored. */
export interface CaseView {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  outcome: CaseOutcome | null;
  /** ISO instant of the contract's EndDate the win-back case is about. */
  endDate: string | null;
  /** Reasons already requested (payment recovery sends one request per distinct reason). */
  reasons: string[];
}

export interface PlannedAction {
  type: ActionType;
  reason: string;
  /** When the relay may publish it: now, or later for scheduled actions. */
  dueAt: Date;
}

/** One effect a decision asks for; the workflow engine applies them in one transaction. */
export type Step =
  | {
      type: 'open-case';
      kind: CaseKind;
      /** Unique while the case guards against duplicates (see RetentionCaseEntity.dedupKey). */
      dedupKey: string;
      reason: string;
      endDate: string | null;
      offer: Offer | null;
      planVariantId: string | null;
      actions: PlannedAction[];
      /** Set for cases that are complete as soon as their action is queued. */
      closeWith?: CaseOutcome;
      /** Remembered so that a late copy of the same trigger never reopens a case. */
      triggerKey?: string;
    }
  | { type: 'close-case'; caseId: string; outcome: CaseOutcome; actions: PlannedAction[] }
  | { type: 'add-action'; caseId: string; action: PlannedAction; triggerKey?: string }
  | { type: 'remember-trigger'; caseId: string; triggerKey: string };

export interface Decision {
  /** One line for the timeline and logs: what was decided and why. */
  summary: string;
  steps: Step[];
}
