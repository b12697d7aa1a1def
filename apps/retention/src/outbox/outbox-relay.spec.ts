import type { TopicBatch } from '@app/messaging';
import type { DataSource } from 'typeorm';
import { openRetentionStore } from '../persistence/retention-data-source';
import { OutboxEntity } from './outbox.entity';
import { ClaimExpiredError, OutboxRelay } from './outbox-relay';

const CONTRACT = '6560f0c2a9b8d7e6f5a4b3c2';
const MINUTE = 60_000;

/**
 * The relay against a real (in-memory SQLite) store; the topic is a fake that records sends and
 * answers lookups from what it holds, as the actions topic would.
 */
describe('OutboxRelay', () => {
  let dataSource: DataSource;
  let now: number;
  let topic: string[];
  let lookups: { ids: string[]; since: Date }[];
  let failSends: boolean;
  let lookupTakesMs: number;

  const relay = (): OutboxRelay =>
    new OutboxRelay(
      dataSource,
      (batches: TopicBatch[]) => {
        if (failSends) return Promise.reject(new Error('broker gone'));
        for (const { messages } of batches) {
          for (const message of messages) topic.push(String(message.headers?.ce_id));
        }
        return Promise.resolve();
      },
      (ids, since) => {
        lookups.push({ ids: [...ids].sort(), since });
        now += lookupTakesMs;
        return Promise.resolve(new Set(topic.filter((id) => ids.has(id))));
      },
      () => undefined,
      () => new Date(now),
    );

  const enqueue = async (id: string, claimedUntil: string | null = null): Promise<void> => {
    const at = new Date(now).toISOString();
    await dataSource.manager.insert(OutboxEntity, {
      id,
      actionKey: `key-${id}`,
      caseId: 'case-1',
      contractId: CONTRACT,
      type: 'WinBackOfferRequested',
      payload: JSON.stringify({ action: 'WinBackOfferRequested', contractId: CONTRACT }),
      status: 'pending',
      createdAt: at,
      dueAt: at,
      publishedAt: null,
      claimedUntil,
    });
  };
  const statuses = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      (await dataSource.manager.find(OutboxEntity)).map((row) => [row.id, row.status]),
    );

  beforeEach(async () => {
    dataSource = await openRetentionStore({ sqlitePath: ':memory:', poolSize: 1 });
    now = Date.parse('2026-12-03T12:00:00Z');
    topic = [];
    lookups = [];
    failSends = false;
    lookupTakesMs = 0;
  });

  afterEach(() => dataSource.destroy());

  it('publishes fresh rows without looking at the topic', async () => {
    await enqueue('a1');
    await enqueue('a2');
    expect(await relay().relayDue()).toBe(2);
    expect(topic).toEqual(['a1', 'a2']);
    expect(lookups).toEqual([]);
    expect(await statuses()).toEqual({ a1: 'published', a2: 'published' });
  });

  it('does not publish again what a relay killed between send and mark already published', async () => {
    await enqueue('a1');
    await enqueue('a2');
    // The dead relay's claim began at 12:00 and ran out at 12:02; it had sent a1 only.
    const claimedUntil = new Date(now + 2 * MINUTE).toISOString();
    await dataSource.manager.update(OutboxEntity, { caseId: 'case-1' }, { claimedUntil });
    topic.push('a1');
    now += 3 * MINUTE;

    expect(await relay().relayDue()).toBe(2);
    expect(topic).toEqual(['a1', 'a2']);
    // Looked through everything written since the dead claim began, less the clock allowance.
    expect(lookups).toEqual([{ ids: ['a1', 'a2'], since: new Date('2026-12-03T11:59:00Z') }]);
    expect(await statuses()).toEqual({ a1: 'published', a2: 'published' });
  });

  it('treats rows of a failed send as in doubt: a later round looks them up', async () => {
    await enqueue('a1');
    failSends = true;
    await expect(relay().relayDue()).rejects.toThrow('broker gone');
    expect(await statuses()).toEqual({ a1: 'pending' });
    // Due again at once, not only after the claim would have run out.
    failSends = false;
    now += 1000;
    expect(await relay().relayDue()).toBe(1);
    expect(lookups.map((lookup) => lookup.ids)).toEqual([['a1']]);
    expect(topic).toEqual(['a1']);
  });

  it('leaves rows alone while another relay holds their claim', async () => {
    await enqueue('a1', new Date(now + MINUTE).toISOString());
    expect(await relay().relayDue()).toBe(0);
    expect(topic).toEqual([]);
  });

  it('does not start a send on a claim that ran low while looking', async () => {
    await enqueue('a1', new Date(now).toISOString());
    lookupTakesMs = 100_000;
    await expect(relay().relayDue()).rejects.toBeInstanceOf(ClaimExpiredError);
    expect(topic).toEqual([]);
    expect(await statuses()).toEqual({ a1: 'pending' });
    // Left to the next round at once, not hidden for a whole claim.
    lookupTakesMs = 0;
    expect(await relay().relayDue()).toBe(1);
    expect(topic).toEqual(['a1']);
  });

  it('fails the round when the topic cannot be looked through, and still reaches back later', async () => {
    const deadClaimEnd = new Date(now).toISOString();
    await enqueue('a1', deadClaimEnd);
    const blind = new OutboxRelay(
      dataSource,
      () => Promise.reject(new Error('not to be called')),
      () => Promise.reject(new Error('actions topic unreadable')),
      () => undefined,
      () => new Date(now),
    );
    now += 5 * MINUTE;
    await expect(blind.relayDue()).rejects.toThrow('actions topic unreadable');
    expect(await statuses()).toEqual({ a1: 'pending' });
    // Due again at once, and the next lookup still starts where the dead relay's claim began.
    topic.push('a1');
    now += 1000;
    expect(await relay().relayDue()).toBe(1);
    expect(lookups).toEqual([
      { ids: ['a1'], since: new Date(Date.parse(deadClaimEnd) - 2 * MINUTE - MINUTE) },
    ]);
    expect(topic).toEqual(['a1']);
    expect(await statuses()).toEqual({ a1: 'published' });
  });
});
