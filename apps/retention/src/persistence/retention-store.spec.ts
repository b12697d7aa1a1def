import { activeTraceparent, inSpan } from '@app/observability';
import { SpanKind } from '@opentelemetry/api';
import { SpanCollector } from '../../../../test/support/span-collector';
import { CONTRACT, newAction, newCase } from '../../test/store-fixtures';
import type { CaseRecord, ConsumedMessage } from './records';
import { openRetentionStore, type RetentionStore } from './retention-store';

const AT = '2026-11-25T12:00:00.000Z';
const LATER = '2026-11-25T13:00:00.000Z';

function hookMessage(offset: number): ConsumedMessage {
  return {
    topic: 'billwerk.contract.v1',
    partition: 0,
    offset: String(offset),
    key: CONTRACT,
    value: `{"id":"e${offset}"}`,
    headers: { ce_type: 'billwerk.ContractCancelled' },
  };
}

describe('RetentionStore', () => {
  let store: RetentionStore;

  beforeEach(async () => {
    store = await openRetentionStore({ sqlitePath: ':memory:', poolSize: 1 });
  });

  afterEach(() => store.close());

  const open = async (overrides: Parameters<typeof newCase>[0] = {}): Promise<CaseRecord> => {
    const record = await store.cases.open(newCase(overrides));
    if (!record) throw new Error('not opened');
    return record;
  };

  describe('cases', () => {
    it('opens a case once per dedup key and hands it back with its columns mapped', async () => {
      const record = await open();
      expect(await store.cases.open(newCase())).toBeNull();
      expect(await store.cases.find(record.id)).toEqual(record);
      expect(record).toMatchObject({
        status: 'open',
        outcome: null,
        reasons: ['ContractCancelled'],
        contact: { name: 'Anna Schmidt', email: 'anna.schmidt@example.com', locale: 'de-DE' },
        closedAt: null,
      });
    });

    it('opens a case born closed', async () => {
      const nudged = await open({
        kind: 'trial-conversion',
        dedupKey: 'trial',
        closeWith: 'nudged',
      });
      expect(nudged).toMatchObject({ status: 'closed', outcome: 'nudged', closedAt: AT });
    });

    it('closes only an open case, cancelling the actions scheduled after the close', async () => {
      const record = await open();
      await store.outbox.enqueue(newAction(record.id, AT));
      await store.outbox.enqueue(newAction(record.id, '2026-12-24T00:00:00.000Z'));
      expect(await store.cases.closeIfOpen(record, 'won', LATER)).toEqual({ cancelledActions: 1 });
      expect(await store.cases.closeIfOpen(record, 'lost', LATER)).toBeNull();
      expect(await store.cases.find(record.id)).toMatchObject({
        status: 'closed',
        outcome: 'won',
        closedAt: LATER,
        dedupKey: null,
      });
      expect((await store.outbox.ofCase(record.id)).map((a) => a.status)).toEqual([
        'pending',
        'cancelled',
      ]);
      // The key was released: a later cancellation to the same date opens a new case.
      expect(await store.cases.open(newCase())).not.toBeNull();
    });

    it('keeps the dedup key of a trial nudge for good', async () => {
      const trial = await open({ kind: 'trial-conversion', dedupKey: 'trial' });
      await store.cases.closeIfOpen(trial, 'nudged', LATER);
      expect(await store.cases.open(newCase({ kind: 'trial-conversion', dedupKey: 'trial' }))).toBe(
        null,
      );
    });

    it('adds a reason once', async () => {
      const record = await open({ kind: 'payment-recovery', reason: 'PaymentFailed' });
      expect(await store.cases.addReason(record, 'DunningCreated')).toBe(true);
      const updated = await store.cases.find(record.id);
      expect(updated?.reasons).toEqual(['PaymentFailed', 'DunningCreated']);
      expect(await store.cases.addReason(updated as CaseRecord, 'DunningCreated')).toBe(false);
    });

    it('erases the contact of a case and its actions, cancelling the pending ones', async () => {
      const record = await open();
      const sent = await store.outbox.enqueue(newAction(record.id, AT, { reason: 'sent' }));
      await store.outbox.enqueue(newAction(record.id, AT, { reason: 'waiting' }));
      await store.outbox.markPublished([sent as string], AT);
      await store.cases.eraseContact(record.id);
      expect((await store.cases.find(record.id))?.contact).toBeNull();
      expect((await store.outbox.ofCase(record.id)).map((a) => a.status).sort()).toEqual([
        'cancelled',
        'published',
      ]);
      expect(await store.cases.inScope({ customerId: record.customerId as string })).toEqual([
        expect.objectContaining({ id: record.id, contact: null }),
      ]);
    });

    it('lets one apply-offer claim the offer until it is released', async () => {
      const record = await open({ offerDiscountId: 'discount' });
      expect(await store.cases.claimOffer(record.id, AT)).toBe(true);
      expect(await store.cases.claimOffer(record.id, AT)).toBe(false);
      await store.cases.releaseOffer(record.id);
      expect(await store.cases.claimOffer(record.id, AT)).toBe(true);
    });

    it('remembers a trigger once', async () => {
      const record = await open();
      expect(await store.cases.triggerSeen('PaymentFailed:t1')).toBe(false);
      await store.cases.rememberTrigger('PaymentFailed:t1', record.id, AT);
      await store.cases.rememberTrigger('PaymentFailed:t1', record.id, LATER);
      expect(await store.cases.triggerSeen('PaymentFailed:t1')).toBe(true);
    });

    it('keeps the timeline in order, with its details parsed', async () => {
      const record = await open();
      await store.cases.appendTimeline(record.id, CONTRACT, AT, [
        { type: 'hook', detail: { event: 'ContractCancelled' } },
        { type: 'decision', detail: { summary: 'opened' } },
      ]);
      await store.cases.appendTimeline(null, CONTRACT, AT, [{ type: 'hook', detail: {} }]);
      expect(await store.cases.timelineOf(record.id)).toEqual([
        { at: AT, type: 'hook', detail: { event: 'ContractCancelled' } },
        { at: AT, type: 'decision', detail: { summary: 'opened' } },
      ]);
    });

    it('lists newest first with filters and pages', async () => {
      const older = await open({ dedupKey: 'a', openedAt: AT });
      const newer = await open({ dedupKey: 'b', openedAt: LATER, kind: 'payment-recovery' });
      const page = { limit: 10, offset: 0 };
      expect((await store.cases.list({}, page)).map((c) => c.id)).toEqual([newer.id, older.id]);
      expect((await store.cases.list({ kind: 'win-back' }, page)).map((c) => c.id)).toEqual([
        older.id,
      ]);
      expect(await store.cases.list({}, { limit: 1, offset: 1 })).toEqual([older]);
    });

    it('finds the win-back cases whose EndDate has passed', async () => {
      const lapsed = await open({ dedupKey: 'a', endDate: '2026-11-01T00:00:00.000Z' });
      await open({ dedupKey: 'b', endDate: '2026-12-31T00:00:00.000Z' });
      expect((await store.cases.lapsedWinBacks(AT)).map((c) => c.id)).toEqual([lapsed.id]);
    });

    it('computes the win-back rate from the ended win-back cases', async () => {
      expect(await store.cases.winBackRate()).toBe(0);
      for (const [key, outcome] of [
        ['a', 'won'],
        ['b', 'offer-applied'],
        ['c', 'lost'],
        ['d', 'lost'],
      ] as const) {
        await store.cases.closeIfOpen(await open({ dedupKey: key }), outcome, LATER);
      }
      await open({ dedupKey: 'still-open' });
      expect(await store.cases.winBackRate()).toBe(0.5);
    });
  });

  describe('transactions', () => {
    it('commits together or not at all', async () => {
      await expect(
        store.transaction(async (tx) => {
          await tx.cases.open(newCase());
          throw new Error('changed its mind');
        }),
      ).rejects.toThrow('changed its mind');
      expect(await store.cases.list({}, { limit: 10, offset: 0 })).toEqual([]);

      const opened = await store.transaction(async (tx) => {
        const record = await tx.cases.open(newCase());
        // A nested call joins the transaction.
        await tx.transaction((inner) => inner.outbox.enqueue(newAction(record?.id ?? '', AT)));
        return record;
      });
      expect(await store.outbox.ofCase(opened?.id ?? '')).toHaveLength(1);
    });

    it('answers a ping while open, and fails it once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
    });
  });

  describe('outbox', () => {
    it('queues an action once per key', async () => {
      const action = newAction('case-1', AT);
      expect(await store.outbox.enqueue(action)).toEqual(expect.any(String));
      expect(await store.outbox.enqueue(action)).toBeNull();
      expect(await store.outbox.dueCount(AT)).toBe(1);
      expect(await store.outbox.dueCount('2026-11-25T11:59:59.999Z')).toBe(0);
    });

    it('claims due actions once until their claim runs out, and says which were claimed before', async () => {
      const id = await store.outbox.enqueue(newAction('case-1', AT));
      await store.outbox.enqueue(newAction('case-1', '2026-12-24T00:00:00.000Z'));
      const first = await store.outbox.claimDue(AT, '2026-11-25T12:02:00.000Z', 10);
      expect(first).toEqual([
        {
          id,
          type: 'WinBackOfferRequested',
          data: expect.objectContaining({ caseId: 'case-1', dueAt: AT }) as unknown,
          previousClaimUntil: null,
          traceparent: null,
        },
      ]);
      expect(await store.outbox.claimDue('2026-11-25T12:01:00.000Z', LATER, 10)).toEqual([]);
      const again = await store.outbox.claimDue('2026-11-25T12:02:00.000Z', LATER, 10);
      expect(again.map((a) => a.previousClaimUntil)).toEqual(['2026-11-25T12:02:00.000Z']);
    });

    it('keeps the traceparent of the span an action was queued in, for its publication', async () => {
      const collector = new SpanCollector();
      collector.start();
      let queuedIn: string | undefined;
      try {
        await inSpan('process billwerk.contract.v1', { kind: SpanKind.CONSUMER }, async () => {
          queuedIn = activeTraceparent();
          await store.outbox.enqueue(newAction('case-1', AT));
        });
      } finally {
        await collector.stop();
      }
      const [claimed] = await store.outbox.claimDue(AT, LATER, 10);
      expect(claimed.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(claimed.traceparent).toBe(queuedIn);
    });

    it('releases a claim at once, and marks published only what is still pending', async () => {
      const [a, b] = [
        await store.outbox.enqueue(newAction('case-1', AT, { reason: 'a' })),
        await store.outbox.enqueue(newAction('case-1', AT, { reason: 'b' })),
      ] as string[];
      await store.outbox.claimDue(AT, LATER, 10);
      await store.outbox.release([a, b], AT);
      expect(await store.outbox.claimDue(AT, LATER, 10)).toHaveLength(2);
      await store.cases.eraseContact('case-1');
      await store.outbox.markPublished([a, b], LATER);
      expect((await store.outbox.ofCase('case-1')).map((x) => x.status)).toEqual([
        'cancelled',
        'cancelled',
      ]);
    });
  });

  describe('parked hooks', () => {
    const at = new Date(AT);
    const retryAt = new Date(LATER);

    it('parks a hook once per topic, partition and offset', async () => {
      expect(await store.parkedHooks.park(hookMessage(1), 'billwerk down', at, retryAt)).toBe(true);
      expect(await store.parkedHooks.park(hookMessage(1), 'billwerk down', at, retryAt)).toBe(
        false,
      );
      expect(await store.parkedHooks.count()).toBe(1);
    });

    it('claims each due hook for one retrier and leaves the rest when the caller stops', async () => {
      for (const offset of [1, 2, 3]) {
        await store.parkedHooks.park(hookMessage(offset), 'down', at, retryAt);
      }
      const claimUntil = new Date('2026-11-25T13:05:00.000Z');
      expect(await collect(store.parkedHooks.claimDue(at, claimUntil, 10))).toEqual([]);

      const taken: string[] = [];
      for await (const hook of store.parkedHooks.claimDue(retryAt, claimUntil, 10)) {
        taken.push(hook.message.offset);
        expect(hook).toMatchObject({
          attempts: 1,
          message: hookMessage(Number(hook.message.offset)),
        });
        break;
      }
      expect(taken).toEqual(['1']);
      // Another retrier at the same moment gets the two not claimed.
      const rest = await collect(store.parkedHooks.claimDue(retryAt, claimUntil, 10));
      expect(rest.map((hook) => hook.message.offset)).toEqual(['2', '3']);
    });

    it('reschedules and drops', async () => {
      await store.parkedHooks.park(hookMessage(1), 'down', at, retryAt);
      const [hook] = await collect(store.parkedHooks.claimDue(retryAt, retryAt, 10));
      const next = new Date('2026-11-25T14:00:00.000Z');
      await store.parkedHooks.reschedule(hook, 'still down', next);
      expect(await collect(store.parkedHooks.claimDue(retryAt, next, 10))).toEqual([]);
      const [retried] = await collect(store.parkedHooks.claimDue(next, next, 10));
      expect(retried.attempts).toBe(2);
      await store.parkedHooks.drop(retried);
      expect(await store.parkedHooks.count()).toBe(0);
    });
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
