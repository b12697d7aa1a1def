import type { RetentionActionData } from '@app/contracts';
import type { CaseKind, CaseOutcome, PlannedAction } from '../domain/retention-model';
import type { CaseRecord, TimelineEntry } from '../persistence/records';
import type { RetentionStore } from '../persistence/retention-store';

/** Told about case changes once they are committed (metrics). Must not throw. */
export interface WorkflowObserver {
  caseOpened(kind: CaseKind): void;
  caseClosed(kind: CaseKind, outcome: CaseOutcome, openedAt: string, closedAt: string): void;
}

interface ClosedCase {
  kind: CaseKind;
  outcome: CaseOutcome;
  openedAt: string;
  closedAt: string;
}

/** Queued once: the key names the case (and the reason, for recovery requests). */
function actionKey(record: CaseRecord, action: PlannedAction): string {
  return action.type === 'PaymentRecoveryRequested'
    ? `${action.type}:${record.id}:${action.reason}`
    : `${action.type}:${record.id}`;
}

/** The action's payload: the case as it is now, its contact unless erased. */
function actionData(record: CaseRecord, action: PlannedAction): RetentionActionData {
  return {
    action: action.type,
    caseId: record.id,
    caseKind: record.kind,
    reason: action.reason,
    contractId: record.contractId,
    customerId: record.customerId,
    planVariantId: record.planVariantId,
    offer: record.offerDiscountId ? { discountId: record.offerDiscountId } : null,
    endDate: record.endDate,
    dueAt: action.dueAt.toISOString(),
    contact: record.contact,
  };
}

/**
 * The case changes one transaction makes at one instant, shared by every workflow: closing,
 * queueing actions, and what to tell the observer once (and only if) the transaction committed.
 */
export class CaseWrites {
  private readonly opened: CaseKind[] = [];
  private readonly closed: ClosedCase[] = [];

  constructor(
    /** A transactional store. */
    readonly store: RetentionStore,
    readonly at: string,
  ) {}

  get closedCount(): number {
    return this.closed.length;
  }

  /** Records a case opened here; one born closed (a trial nudged) is counted closed too. */
  opening(record: CaseRecord): void {
    this.opened.push(record.kind);
    if (record.outcome) this.closing(record, record.outcome);
  }

  /**
   * Closes the case if still open and queues `actions`; returns its timeline entries, none when
   * another transaction closed it first.
   */
  async close(
    record: CaseRecord,
    outcome: CaseOutcome,
    actions: PlannedAction[] = [],
  ): Promise<TimelineEntry[]> {
    const closed = await this.store.cases.closeIfOpen(record, outcome, this.at);
    if (!closed) return [];
    const entries: TimelineEntry[] = [
      { type: 'decision', detail: { closed: outcome, cancelledActions: closed.cancelledActions } },
    ];
    for (const action of actions) entries.push(await this.enqueue(record, action));
    this.closing(record, outcome);
    return entries;
  }

  /** Queues an action once; returns its timeline entry. */
  async enqueue(record: CaseRecord, action: PlannedAction): Promise<TimelineEntry> {
    const key = actionKey(record, action);
    const data = actionData(record, action);
    const id = await this.store.outbox.enqueue({
      actionKey: key,
      caseId: record.id,
      contractId: record.contractId,
      data,
      createdAt: this.at,
    });
    return id === null
      ? { type: 'action', detail: { action: action.type, actionKey: key, queued: false } }
      : {
          type: 'action',
          detail: { action: action.type, actionId: id, dueAt: data.dueAt, queued: true },
        };
  }

  /** Call after the transaction committed. */
  notify(observer: WorkflowObserver): void {
    for (const kind of this.opened) observer.caseOpened(kind);
    for (const c of this.closed) observer.caseClosed(c.kind, c.outcome, c.openedAt, c.closedAt);
  }

  private closing(record: CaseRecord, outcome: CaseOutcome): void {
    this.closed.push({ kind: record.kind, outcome, openedAt: record.openedAt, closedAt: this.at });
  }
}
