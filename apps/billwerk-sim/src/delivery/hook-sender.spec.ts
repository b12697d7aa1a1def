import pino from 'pino';
import { HookSender, type HookSenderSettings } from './hook-sender';

/**
 * A fetch that answers 202 on the next turn of the event loop and records how many requests were
 * open at once: a sender without a limit would open one per key in the same turn.
 */
function countingFetch(): { fetch: typeof fetch; bodies: string[]; maxOpen: () => number } {
  const bodies: string[] = [];
  let open = 0;
  let maxOpen = 0;
  const fake = (_url: unknown, init?: RequestInit): Promise<Response> => {
    bodies.push(init?.body as string);
    open++;
    maxOpen = Math.max(maxOpen, open);
    return new Promise((resolve) =>
      setImmediate(() => {
        open--;
        resolve(new Response(null, { status: 202 }));
      }),
    );
  };
  return { fetch: fake, bodies, maxOpen: () => maxOpen };
}

describe('HookSender', () => {
  const settings = (url: string, concurrency: number): HookSenderSettings => ({
    target: { url },
    timeoutMs: 5_000,
    retryBaseMs: 1,
    maxRetries: 2,
    concurrency,
  });

  it('never has more requests in flight than its concurrency, and keeps each key in order', async () => {
    const receiver = countingFetch();
    const sender = new HookSender(
      settings('http://receiver/hook', 2),
      pino({ level: 'silent' }),
      receiver.fetch,
    );
    try {
      for (let i = 0; i < 12; i++) {
        sender.enqueue(`contract-${i % 4}`, {
          Event: 'ContractChanged',
          ContractId: `contract-${i % 4}`,
          Seq: i,
        });
      }
      await sender.settle();
      expect(receiver.maxOpen()).toBe(2);
      expect(sender.list({ status: 'delivered' })).toHaveLength(12);
      for (let key = 0; key < 4; key++) {
        const sequence = receiver.bodies
          .map((text) => JSON.parse(text) as { ContractId: string; Seq: number })
          .filter((hook) => hook.ContractId === `contract-${key}`)
          .map((hook) => hook.Seq);
        expect(sequence).toEqual([key, key + 4, key + 8]);
      }
    } finally {
      sender.close();
    }
  });

  it('filters the delivery log and forgets settled deliveries on request', () => {
    const sender = new HookSender(
      { ...settings('http://unused', 1), target: undefined },
      pino({ level: 'silent' }),
    );
    sender.enqueue('a', { Event: 'ContractChanged', ContractId: 'a' });
    sender.enqueue('b', { Event: 'CustomerDeleted', CustomerId: 'b' });
    expect(sender.list({ status: 'not-sent' })).toHaveLength(2);
    expect(sender.list({ event: 'CustomerDeleted' }).map((d) => d.orderingKey)).toEqual(['b']);
    expect(sender.list({ id: 'a' }).map((d) => d.event)).toEqual(['ContractChanged']);
    expect(sender.clearSettled()).toBe(2);
    expect(sender.list()).toEqual([]);
  });
});
