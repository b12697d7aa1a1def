import { BatchingPublisher, type BatchingOptions, type TopicBatch } from './batching-publisher';
import {
  PublishFailedError,
  PublishQueueBytesFullError,
  PublishQueueFullError,
  PublishTimeoutError,
  PublisherClosedError,
} from './publish-errors';

const OPTIONS: BatchingOptions = {
  lingerMs: 5,
  maxBatchMessages: 100,
  maxBatchBytes: 1024 * 1024,
  maxPending: 1000,
  maxInFlight: 1,
  ackTimeoutMs: 1000,
};

function message(n: number) {
  return { key: `k${n}`, value: `v${n}`, headers: {} };
}

/** A fake broker whose acknowledgements the test releases by hand. */
class ManualSender {
  readonly calls: Array<{ batches: TopicBatch[]; ack: () => void; fail: (e: Error) => void }> = [];
  readonly send = (batches: TopicBatch[]): Promise<void> =>
    new Promise((ack, fail) => this.calls.push({ batches, ack, fail }));
}

const tick = (ms = 10) => new Promise((done) => setTimeout(done, ms));

describe('BatchingPublisher', () => {
  it('coalesces concurrent publishes into one send grouped by topic', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, OPTIONS);
    const results = [
      publisher.publish('a', message(1)),
      publisher.publish('b', message(2)),
      publisher.publish('a', message(3)),
    ];
    await tick();
    expect(sender.calls).toHaveLength(1);
    expect(sender.calls[0].batches).toEqual([
      { topic: 'a', messages: [message(1), message(3)] },
      { topic: 'b', messages: [message(2)] },
    ]);
    sender.calls[0].ack();
    await expect(Promise.all(results)).resolves.toEqual([undefined, undefined, undefined]);
  });

  it('with linger 0 sends what arrived in one event-loop turn together', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, { ...OPTIONS, lingerMs: 0 });
    const results = [publisher.publish('a', message(1)), publisher.publish('a', message(2))];
    expect(sender.calls).toHaveLength(0);
    await new Promise((done) => setImmediate(done));
    expect(sender.calls).toHaveLength(1);
    expect(sender.calls[0].batches[0].messages).toHaveLength(2);
    sender.calls[0].ack();
    await Promise.all(results);
  });

  it('does not resolve before the broker acknowledged', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, OPTIONS);
    let settled = false;
    const result = publisher.publish('a', message(1)).then(() => (settled = true));
    await tick(30);
    expect(settled).toBe(false);
    sender.calls[0].ack();
    await result;
    expect(settled).toBe(true);
  });

  it('fails every request of a failed batch with the cause', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, OPTIONS);
    const results = [publisher.publish('a', message(1)), publisher.publish('a', message(2))];
    await tick();
    sender.calls[0].fail(new Error('NOT_ENOUGH_REPLICAS'));
    for (const result of results) {
      await expect(result).rejects.toThrow(PublishFailedError);
      await expect(result).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    }
  });

  it('sends at once when a batch is full, without waiting for the linger', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, {
      ...OPTIONS,
      lingerMs: 10_000,
      maxBatchMessages: 2,
    });
    void publisher.publish('a', message(1));
    void publisher.publish('a', message(2));
    await tick(1);
    expect(sender.calls).toHaveLength(1);
    expect(sender.calls[0].batches[0].messages).toHaveLength(2);
    sender.calls[0].ack();
  });

  it('keeps filling the next batch while the in-flight limit is reached', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, OPTIONS);
    const first = publisher.publish('a', message(1));
    await tick();
    const later = [2, 3, 4].map((n) => publisher.publish('a', message(n)));
    await tick();
    expect(sender.calls).toHaveLength(1);
    sender.calls[0].ack();
    await first;
    await tick();
    expect(sender.calls).toHaveLength(2);
    expect(sender.calls[1].batches[0].messages.map((m) => m.key)).toEqual(['k2', 'k3', 'k4']);
    sender.calls[1].ack();
    await Promise.all(later);
  });

  it('refuses at once past the bound instead of growing', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, { ...OPTIONS, maxPending: 2 });
    const accepted = [publisher.publish('a', message(1)), publisher.publish('a', message(2))];
    await expect(publisher.publish('a', message(3))).rejects.toThrow(PublishQueueFullError);
    expect(publisher.depth).toBe(2);
    await tick();
    sender.calls[0].ack();
    await Promise.all(accepted);
    expect(publisher.depth).toBe(0);
  });

  it('refuses at once when the bytes pending would pass maxPendingBytes, and frees them on settle', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, { ...OPTIONS, maxPendingBytes: 10 });
    const big = { key: 'k', value: 'x'.repeat(6), headers: {} };
    const first = publisher.publish('a', big);
    await expect(publisher.publish('a', big)).rejects.toThrow(PublishQueueBytesFullError);
    const fits = publisher.publish('a', { ...big, value: 'x'.repeat(4) });
    await tick();
    sender.calls[0].ack();
    await Promise.all([first, fits]);
    const again = publisher.publish('a', { ...big, value: 'x'.repeat(10) });
    await tick();
    sender.calls[1].ack();
    await expect(again).resolves.toBeUndefined();
  });

  it('times out a request the broker does not acknowledge in time', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, { ...OPTIONS, ackTimeoutMs: 50 });
    await expect(publisher.publish('a', message(1))).rejects.toThrow(PublishTimeoutError);
    expect(publisher.depth).toBe(0);
  });

  it('never sends a message whose request already timed out', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, { ...OPTIONS, ackTimeoutMs: 30 });
    const first = publisher.publish('a', message(1));
    await tick();
    const queued = publisher.publish('a', message(2));
    await expect(queued).rejects.toThrow(PublishTimeoutError);
    await expect(first).rejects.toThrow(PublishTimeoutError);
    sender.calls[0].ack();
    await tick();
    expect(sender.calls).toHaveLength(1);
  });

  it('on close refuses new messages and waits for those in hand', async () => {
    const sender = new ManualSender();
    const publisher = new BatchingPublisher(sender.send, { ...OPTIONS, lingerMs: 10_000 });
    const inHand = publisher.publish('a', message(1));
    const closed = publisher.close();
    await expect(publisher.publish('a', message(2))).rejects.toThrow(PublisherClosedError);
    await tick();
    expect(sender.calls).toHaveLength(1);
    sender.calls[0].ack();
    await inHand;
    await closed;
  });

  it('reports each settled batch to the observer', async () => {
    const sender = new ManualSender();
    const seen: Array<[number, boolean]> = [];
    const publisher = new BatchingPublisher(sender.send, OPTIONS, {
      batchSettled: ({ messages }, _seconds, ok) => seen.push([messages, ok]),
    });
    const result = publisher.publish('a', message(1));
    await tick();
    sender.calls[0].ack();
    await result;
    expect(seen).toEqual([[1, true]]);
  });
});
