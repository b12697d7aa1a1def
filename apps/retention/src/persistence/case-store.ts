import { randomUUID } from 'node:crypto';
import { IsNull, LessThanOrEqual, MoreThan, type EntityManager } from 'typeorm';
import type { RetentionActionData } from '@app/contracts';
import type { CaseKind, CaseOutcome } from '../domain/retention-model';
import { CaseEventEntity } from './entities/case-event.entity';
import { OutboxEntity } from './entities/outbox.entity';
import { RetentionCaseEntity } from './entities/retention-case.entity';
import { TriggerEntity } from './entities/trigger.entity';
import type {
  CaseFilter,
  CaseRecord,
  ErasureScope,
  NewCase,
  StoredTimelineEntry,
  TimelineEntry,
} from './records';

/** Outcomes the win-back rate counts: kept (won, offer-applied) against lost. */
const WIN_BACK_OUTCOMES: CaseOutcome[] = ['won', 'lost', 'offer-applied'];

function caseRecord(entity: RetentionCaseEntity): CaseRecord {
  return {
    id: entity.id,
    kind: entity.kind,
    status: entity.status,
    outcome: entity.outcome,
    contractId: entity.contractId,
    customerId: entity.customerId,
    dedupKey: entity.dedupKey,
    reason: entity.reason,
    reasons: JSON.parse(entity.reasons) as string[],
    endDate: entity.endDate,
    planVariantId: entity.planVariantId,
    offerDiscountId: entity.offerDiscountId,
    offerClaimedAt: entity.offerClaimedAt,
    contact: entity.personalDataErased
      ? null
      : { name: entity.contactName, email: entity.contactEmail, locale: entity.contactLocale },
    openedAt: entity.openedAt,
    closedAt: entity.closedAt,
  };
}

/**
 * Cases, their timeline and the triggers they remember. Writers rely on the unique keys
 * (`dedupKey`, trigger key): a concurrent duplicate fails its transaction with a unique
 * violation, and the caller decides again from what won.
 */
export class CaseStore {
  constructor(private readonly manager: EntityManager) {}

  async find(id: string): Promise<CaseRecord | null> {
    const entity = await this.manager.findOneBy(RetentionCaseEntity, { id });
    return entity ? caseRecord(entity) : null;
  }

  /** Newest first, then by id, so pages are stable. */
  async list(filter: CaseFilter, page: { limit: number; offset: number }): Promise<CaseRecord[]> {
    const rows = await this.manager.find(RetentionCaseEntity, {
      where: { ...filter },
      order: { openedAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return rows.map(caseRecord);
  }

  /** A contract's cases of one kind, oldest first. */
  async ofContract(contractId: string, kind: CaseKind): Promise<CaseRecord[]> {
    const rows = await this.manager.find(RetentionCaseEntity, {
      where: { contractId, kind },
      order: { openedAt: 'ASC' },
    });
    return rows.map(caseRecord);
  }

  async inScope(scope: ErasureScope): Promise<CaseRecord[]> {
    const rows = await this.manager.find(RetentionCaseEntity, { where: { ...scope } });
    return rows.map(caseRecord);
  }

  /** Open win-back cases whose EndDate is at or before `at`. */
  async lapsedWinBacks(at: string): Promise<CaseRecord[]> {
    const rows = await this.manager.find(RetentionCaseEntity, {
      where: { status: 'open', kind: 'win-back', endDate: LessThanOrEqual(at) },
    });
    return rows.map(caseRecord);
  }

  /**
   * Opens a case; null when one already holds its `dedupKey` (a trial already nudged). A case
   * opened meanwhile by a concurrent transaction makes this one fail with a unique violation.
   */
  async open(draft: NewCase): Promise<CaseRecord | null> {
    if ((await this.manager.countBy(RetentionCaseEntity, { dedupKey: draft.dedupKey })) > 0) {
      return null;
    }
    const entity = this.manager.create(RetentionCaseEntity, {
      id: randomUUID(),
      kind: draft.kind,
      status: draft.closeWith ? 'closed' : 'open',
      outcome: draft.closeWith ?? null,
      contractId: draft.contractId,
      customerId: draft.customerId,
      dedupKey: draft.dedupKey,
      reason: draft.reason,
      reasons: JSON.stringify([draft.reason]),
      endDate: draft.endDate,
      planVariantId: draft.planVariantId,
      offerDiscountId: draft.offerDiscountId,
      offerClaimedAt: null,
      contactName: draft.contact?.name ?? null,
      contactEmail: draft.contact?.email ?? null,
      contactLocale: draft.contact?.locale ?? null,
      personalDataErased: false,
      openedAt: draft.openedAt,
      closedAt: draft.closeWith ? draft.openedAt : null,
    });
    await this.manager.insert(RetentionCaseEntity, entity);
    return caseRecord(entity);
  }

  /**
   * Closes the case if it is still open (null when another transaction closed it first) and
   * releases its `dedupKey` so a later problem opens a new case (a trial nudge keeps it). Only
   * actions scheduled after `at` are cancelled: one already due (the request of a recovery case
   * closed before the relay's next round) still goes out, before the closing one.
   */
  async closeIfOpen(
    record: CaseRecord,
    outcome: CaseOutcome,
    at: string,
  ): Promise<{ cancelledActions: number } | null> {
    const result = await this.manager.update(
      RetentionCaseEntity,
      { id: record.id, status: 'open' },
      {
        status: 'closed',
        outcome,
        closedAt: at,
        dedupKey: record.kind === 'trial-conversion' ? record.dedupKey : null,
      },
    );
    if (!result.affected) return null;
    const cancelled = await this.manager.update(
      OutboxEntity,
      { caseId: record.id, status: 'pending', dueAt: MoreThan(at) },
      { status: 'cancelled' },
    );
    return { cancelledActions: cancelled.affected ?? 0 };
  }

  /** Adds a reason the case was asked about; false when it was already one of them. */
  async addReason(record: CaseRecord, reason: string): Promise<boolean> {
    if (record.reasons.includes(reason)) return false;
    await this.manager.update(
      RetentionCaseEntity,
      { id: record.id },
      { reasons: JSON.stringify([...record.reasons, reason]) },
    );
    return true;
  }

  /**
   * Removes the personal data of a case and of its queued actions; pending actions are
   * cancelled. Ids, dates and the timeline stay.
   */
  async eraseContact(caseId: string): Promise<void> {
    await this.manager.update(
      RetentionCaseEntity,
      { id: caseId },
      { contactName: null, contactEmail: null, contactLocale: null, personalDataErased: true },
    );
    const rows = await this.manager.find(OutboxEntity, { where: { caseId } });
    for (const row of rows) {
      const data = JSON.parse(row.payload) as RetentionActionData;
      await this.manager.update(
        OutboxEntity,
        { id: row.id },
        {
          payload: JSON.stringify({ ...data, contact: null }),
          status: row.status === 'pending' ? 'cancelled' : row.status,
        },
      );
    }
  }

  /** Claims the case's offer for one `apply-offer`; false when it is not open or already claimed. */
  async claimOffer(caseId: string, at: string): Promise<boolean> {
    const claimed = await this.manager.update(
      RetentionCaseEntity,
      { id: caseId, status: 'open', offerClaimedAt: IsNull() },
      { offerClaimedAt: at },
    );
    return (claimed.affected ?? 0) > 0;
  }

  async releaseOffer(caseId: string): Promise<void> {
    await this.manager.update(RetentionCaseEntity, { id: caseId }, { offerClaimedAt: null });
  }

  async triggerSeen(key: string): Promise<boolean> {
    return (await this.manager.countBy(TriggerEntity, { key })) > 0;
  }

  /** Remembers an occurrence acted on, once. */
  async rememberTrigger(key: string, caseId: string, at: string): Promise<void> {
    if (await this.triggerSeen(key)) return;
    await this.manager.insert(TriggerEntity, { key, caseId, seenAt: at });
  }

  /** Appends to a case's timeline, or with `caseId` null to the contract's history. */
  async appendTimeline(
    caseId: string | null,
    contractId: string | null,
    at: string,
    entries: TimelineEntry[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.manager.insert(
      CaseEventEntity,
      entries.map((entry) => ({
        caseId,
        contractId,
        at,
        type: entry.type,
        detail: JSON.stringify(entry.detail),
      })),
    );
  }

  async timelineOf(caseId: string): Promise<StoredTimelineEntry[]> {
    const events = await this.manager.find(CaseEventEntity, {
      where: { caseId },
      order: { id: 'ASC' },
    });
    return events.map((event) => ({
      at: event.at,
      type: event.type,
      detail: JSON.parse(event.detail) as Record<string, unknown>,
    }));
  }

  /** Won and offer-applied over won, lost and offer-applied; 0 before any win-back ended. */
  async winBackRate(): Promise<number> {
    const rows = await this.manager
      .createQueryBuilder(RetentionCaseEntity, 'c')
      .select('c.outcome', 'outcome')
      .addSelect('COUNT(*)', 'count')
      .where('c.kind = :kind AND c.outcome IN (:...outcomes)', {
        kind: 'win-back',
        outcomes: WIN_BACK_OUTCOMES,
      })
      .groupBy('c.outcome')
      .getRawMany<{ outcome: string; count: string | number }>();
    const total = rows.reduce((sum, row) => sum + Number(row.count), 0);
    const kept = rows
      .filter((row) => row.outcome !== 'lost')
      .reduce((sum, row) => sum + Number(row.count), 0);
    return total === 0 ? 0 : kept / total;
  }
}
