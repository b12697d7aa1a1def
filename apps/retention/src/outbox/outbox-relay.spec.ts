import type { TopicBatch } from '@app/messaging';
import { newAction } from '../../test/store-fixtures';
import { openRetentionStore, type RetentionStore } from '../persistence/retention-store';
import { ClaimExpiredError, OutboxRelay } from './outbox-relay';

const MINUTE = 60_000;
const CASE = '7f1c3a52-1f0e-4a8e-9a55-52b2a0a1c001';

/**
 * The relay against a real (in-memory SQLite) store; the topic is a fake that records sends and
 * answers lookups from what it holds, as the actions topic would. Actions are named a1, a2… in
 * the test; the store gives them ids.
 */
describe('OutboxRelay', () => {
  let store: RetentionStore;
  let now: number;
  let names: Map<string, string>;
  let topic: string[];
  let lookups: { ids: string[]; since: Date }[];
  let failSends: boolean;
  let lookupTakesMs: number;
  let found: string[];

  const name = (id: string): string => names.get(id) ?? id;
  const relay = (): OutboxRelay =>
    new OutboxRelay(
      store,
      (batches: TopicBatch[]) => {
        if (failSends) return Promise.reject(new Error('broker gone'));
        for (const { messages } of batches) {
          for (const message of messages) topic.push(name(String(message.headers?.ce_id)));
        }
        return Promise.resolve();
      },
      (ids, since) => {
        lookups.push({ ids: [...ids].map(name).sort(), since });
        now += lookupTakesMs;
        return Promise.resolve(new Set([...ids].filter((id) => topic.includes(name(id)))));
      },
      { published: () => undefined, foundPublished: (ids) => found.push(...ids.map(name)) },
      () => new Date(now),
    );

  /** Queued due an hour ago, so a claim taken minutes ago found it due too. */
  const enqueue = async (label: string): Promise<void> => {
    const dueAt = new Date(now - 60 * MINUTE).toISOString();
    const id = await store.outbox.enqueue(newAction(CASE, dueAt, { reason: label }));
    if (!id) throw new Error('not queued');
    names.set(id, label);
  };
  /** A relay elsewhere claimed every due row at `at` for `forMs`. */
  const claimedElsewhere = (at: number, forMs: number) =>
    store.outbox.claimDue(new Date(at).toISOString(), new Date(at + forMs).toISOString(), 100);
  const statuses = async (): Promise<Record<string, string>> =>
    Object.fromEntries((await store.outbox.ofCase(CASE)).map((row) => [name(row.id), row.status]));

  beforeEach(async () => {
    store = await openRetentionStore({ sqlitePath: ':memory:', poolSize: 1 });
    now = Date.parse('2026-12-03T12:00:00Z');
    names = new Map();
    topic = [];
    lookups = [];
    failSends = false;
    lookupTakesMs = 0;
    found = [];
  });

  afterEach(() => store.close());

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
    await claimedElsewhere(now, 2 * MINUTE);
    topic.push('a1');
    now += 3 * MINUTE;

    expect(await relay().relayDue()).toBe(2);
    expect(topic).toEqual(['a1', 'a2']);
    // Looked through everything written since the dead claim began, less the clock allowance.
    expect(lookups).toEqual([{ ids: ['a1', 'a2'], since: new Date('2026-12-03T11:59:00Z') }]);
    expect(found).toEqual(['a1']);
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
    await enqueue('a1');
    await claimedElsewhere(now, MINUTE);
    expect(await relay().relayDue()).toBe(0);
    expect(topic).toEqual([]);
  });

  it('does not start a send on a claim that ran low while looking', async () => {
    await enqueue('a1');
    await claimedElsewhere(now - 2 * MINUTE, 2 * MINUTE);
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
    await enqueue('a1');
    const deadClaimEnd = now;
    await claimedElsewhere(now - 2 * MINUTE, 2 * MINUTE);
    const blind = new OutboxRelay(
      store,
      () => Promise.reject(new Error('not to be called')),
      () => Promise.reject(new Error('actions topic unreadable')),
      { published: () => undefined, foundPublished: () => undefined },
      () => new Date(now),
    );
    now += 5 * MINUTE;
    await expect(blind.relayDue()).rejects.toThrow('actions topic unreadable');
    expect(await statuses()).toEqual({ a1: 'pending' });
    // Due again at once, and the next lookup still starts where the dead relay's claim began.
    topic.push('a1');
    now += 1000;
    expect(await relay().relayDue()).toBe(1);
    expect(lookups).toEqual([{ ids: ['a1'], since: new Date(deadClaimEnd - 2 * MINUTE - MINUTE) }]);
    expect(topic).toEqual(['a1']);
    expect(await statuses()).toEqual({ a1: 'published' });
  });
});
