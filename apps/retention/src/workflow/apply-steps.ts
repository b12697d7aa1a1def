import type { Contract } from '@app/billwerk-api';
import type { RetentionActionContact as ActionContact } from '@app/contracts';
import type { Step } from '../domain/retention-model';
import type { CaseRecord, TimelineEntry } from '../persistence/records';
import type { CaseWrites } from './case-writes';

/** A case a step names: it was read in this transaction, so it exists. */
async function stored(writes: CaseWrites, caseId: string): Promise<CaseRecord> {
  const record = await writes.store.cases.find(caseId);
  if (!record) throw new Error(`case ${caseId} vanished inside its transaction`);
  return record;
}

/**
 * Applies a decision's steps; returns the touched case ids, each with the action entries for
 * its timeline (an empty list: touched, nothing queued).
 */
export async function applySteps(
  writes: CaseWrites,
  contract: Contract,
  steps: Step[],
  contact: ActionContact | null,
): Promise<Map<string, TimelineEntry[]>> {
  const { cases } = writes.store;
  const touched = new Map<string, TimelineEntry[]>();
  const touch = (caseId: string): TimelineEntry[] => {
    const entries = touched.get(caseId) ?? [];
    touched.set(caseId, entries);
    return entries;
  };
  for (const step of steps) {
    switch (step.type) {
      case 'open-case': {
        const record = await cases.open({
          kind: step.kind,
          contractId: contract.Id,
          customerId: contract.CustomerId ?? null,
          dedupKey: step.dedupKey,
          reason: step.reason,
          endDate: step.endDate,
          planVariantId: step.planVariantId,
          offerDiscountId: step.offer?.discountId ?? null,
          contact,
          openedAt: writes.at,
          closeWith: step.closeWith,
        });
        // A trial already nudged, or a case opened by a concurrent instance: nothing to add.
        if (!record) break;
        if (step.triggerKey) await cases.rememberTrigger(step.triggerKey, record.id, writes.at);
        const entries = touch(record.id);
        for (const action of step.actions) entries.push(await writes.enqueue(record, action));
        writes.opening(record);
        break;
      }
      case 'close-case': {
        const record = await stored(writes, step.caseId);
        touch(record.id).push(...(await writes.close(record, step.outcome, step.actions)));
        break;
      }
      case 'add-action': {
        const record = await stored(writes, step.caseId);
        await cases.addReason(record, step.action.reason);
        if (step.triggerKey) await cases.rememberTrigger(step.triggerKey, record.id, writes.at);
        touch(record.id).push(await writes.enqueue(record, step.action));
        break;
      }
      case 'remember-trigger':
        await cases.rememberTrigger(step.triggerKey, step.caseId, writes.at);
        touch(step.caseId);
        break;
    }
  }
  return touched;
}
