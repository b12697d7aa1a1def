import type { CaseOutcome } from '../domain/retention-model';
import type { RetentionStore } from '../persistence/retention-store';
import { CaseWrites, type WorkflowObserver } from './case-writes';

/** Closes cases outside hook handling: an operator or the offer flow, and the scheduler. */
export class CaseCloser {
  constructor(
    private readonly store: RetentionStore,
    private readonly observer: WorkflowObserver,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Closes an open case for an operator or the offer flow; false when it was not open.
   * `detail` goes to the timeline.
   */
  async closeOpenCase(
    caseId: string,
    outcome: CaseOutcome,
    detail: Record<string, unknown>,
  ): Promise<boolean> {
    const writes = await this.store.transaction(async (store) => {
      const writes = new CaseWrites(store, this.now().toISOString());
      const record = await store.cases.find(caseId);
      if (!record) return writes;
      const entries = await writes.close(record, outcome);
      if (entries.length > 0) {
        await store.cases.appendTimeline(caseId, record.contractId, writes.at, [
          { type: 'operator', detail },
          ...entries,
        ]);
      }
      return writes;
    });
    writes.notify(this.observer);
    return writes.closedCount > 0;
  }

  /** Closes open win-back cases whose EndDate has passed, each in its own transaction. */
  async closeLapsedWinBacks(): Promise<number> {
    const at = this.now().toISOString();
    let closed = 0;
    for (const record of await this.store.cases.lapsedWinBacks(at)) {
      const writes = await this.store.transaction(async (store) => {
        const writes = new CaseWrites(store, at);
        const entries = await writes.close(record, 'lost');
        if (entries.length > 0) {
          await store.cases.appendTimeline(record.id, record.contractId, at, [
            { type: 'decision', detail: { summary: `EndDate ${record.endDate} has passed: lost` } },
            ...entries,
          ]);
        }
        return writes;
      });
      closed += writes.closedCount;
      writes.notify(this.observer);
    }
    return closed;
  }
}
