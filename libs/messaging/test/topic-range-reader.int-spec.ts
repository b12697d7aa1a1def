import { randomUUID } from 'node:crypto';
import { createTopics, produce, testKafka, uniqueName } from '../../../test/support/kafka';
import { rangeSince, readTopicRange, TopicRangeReadError } from '../src/topic-range-reader';

jest.setTimeout(60_000);

/** Against the real broker: a time-bounded range is read exactly, each record once. */
describe('readTopicRange', () => {
  const kafka = testKafka();

  it('reads what was written since a time, to the end at the time of asking, once each', async () => {
    const topic = uniqueName('range-reader');
    await createTopics(kafka, [topic], 3);
    const old = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `old-${i}` }));
    await produce(kafka, topic, old);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const since = new Date();
    const fresh = Array.from({ length: 45 }, (_, i) => ({ key: `k${i}`, value: `new-${i}` }));
    await produce(kafka, topic, fresh);

    const range = await rangeSince(kafka, topic, since);
    // Written after the range was taken: beyond its end, not read.
    await produce(kafka, topic, [{ key: 'k1', value: 'later' }]);
    const read: string[] = [];
    await readTopicRange(kafka, range, (_partition, message) => read.push(String(message.value)), {
      groupId: `range-reader-${randomUUID()}`,
      timeoutMs: 30_000,
    });
    expect(read.sort()).toEqual(fresh.map((m) => m.value).sort());
  });

  it('returns at once on an empty range and names what is left when it cannot finish', async () => {
    const topic = uniqueName('range-reader');
    await createTopics(kafka, [topic], 1);
    const empty = await rangeSince(kafka, topic, new Date());
    await readTopicRange(kafka, empty, () => undefined, { groupId: 'unused', timeoutMs: 1 });

    await produce(kafka, topic, [{ value: 'only' }]);
    // An end beyond the log: never reached.
    const beyond = { topic, from: new Map([[0, '0']]), to: new Map([[0, '5']]) };
    const attempt = readTopicRange(kafka, beyond, () => undefined, {
      groupId: `range-reader-${randomUUID()}`,
      timeoutMs: 8000,
    });
    await expect(attempt).rejects.toBeInstanceOf(TopicRangeReadError);
    await expect(attempt).rejects.toThrow(
      `${topic}: not read to its end within 8000 ms (left 0: 1..5)`,
    );
  });
});
