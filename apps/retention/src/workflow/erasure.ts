import type { ErasureScope } from '../persistence/records';
import type { RetentionStore } from '../persistence/retention-store';
import { CaseWrites, type WorkflowObserver } from './case-writes';
import { hookEntry, type HookOutcome, type IncomingHook } from './hook';

/**
 * CustomerDeleted and ContractDeleted. Deletion is final, so nothing is fetched: the cases close
 * `erased`, their personal data and that of their actions goes, pending actions are cancelled;
 * ids and the timeline stay.
 */
export class Erasure {
  constructor(
    private readonly store: RetentionStore,
    private readonly observer: WorkflowObserver,
    private readonly now: () => Date,
  ) {}

  async erase(hook: IncomingHook, scope: ErasureScope): Promise<HookOutcome> {
    const { writes, erased } = await this.store.transaction(async (store) => {
      const writes = new CaseWrites(store, this.now().toISOString());
      const cases = await store.cases.inScope(scope);
      for (const record of cases) {
        if (record.status === 'open') await writes.close(record, 'erased');
        await store.cases.eraseContact(record.id);
        await store.cases.appendTimeline(record.id, record.contractId, writes.at, [
          hookEntry(hook),
          { type: 'decision', detail: { summary: 'personal data erased' } },
        ]);
      }
      if (cases.length === 0) {
        const contractId = 'contractId' in scope ? scope.contractId : null;
        await store.cases.appendTimeline(null, contractId, writes.at, [hookEntry(hook)]);
      }
      return { writes, erased: cases.length };
    });
    writes.notify(this.observer);
    return { relevant: true, summary: `${hook.event}: ${erased} case(s) erased` };
  }
}
