import { parseAuditCheckpoint } from '@app/contracts';
import { classifyFailure, type TopicBatch } from '@app/messaging';
import { CheckpointWriter } from './checkpoint-writer';

const at = new Date('2026-12-03T06:00:00.000Z');
const head = (seq: number) => ({
  seq: String(seq),
  offset: String(seq - 1),
  hash: seq.toString(16).padStart(64, '0'),
  keyId: 'k1',
});

/** A sender that holds each request until the test settles it. */
function heldSender() {
  const requests: Array<{ batches: TopicBatch[]; settle: (error?: Error) => void }> = [];
  const send = (batches: TopicBatch[]): Promise<void> =>
    new Promise((resolve, reject) => {
      requests.push({ batches, settle: (error) => (error ? reject(error) : resolve()) });
    });
  return { requests, send };
}

const values = (batches: TopicBatch[]) =>
  batches.flatMap((b) =>
    b.messages.map((m) => ({ key: m.key, ...parseAuditCheckpoint(m.value as string) })),
  );

describe('CheckpointWriter', () => {
  it('writes the head keyed by group, topic and partition, and resolves on the acknowledgement', async () => {
    const { requests, send } = heldSender();
    const writer = new CheckpointWriter(send, {
      topic: 'cp',
      group: 'billwerk-audit',
      now: () => at,
    });
    let done = false;
    const recorded = writer.record('billwerk.contract.v1', 2, head(7)).then(() => (done = true));
    expect(requests).toHaveLength(1);
    expect(requests[0].batches[0].topic).toBe('cp');
    expect(values(requests[0].batches)).toEqual([
      {
        key: 'billwerk-audit/billwerk.contract.v1/2',
        group: 'billwerk-audit',
        topic: 'billwerk.contract.v1',
        partition: 2,
        offset: '6',
        seq: '7',
        hash: head(7).hash,
        keyId: 'k1',
        at: at.toISOString(),
      },
    ]);
    await Promise.resolve();
    expect(done).toBe(false);
    requests[0].settle();
    await recorded;
    // The same head again (a redelivered batch) costs nothing.
    await writer.record('billwerk.contract.v1', 2, head(7));
    expect(requests).toHaveLength(1);
  });

  it('coalesces heads recorded while a request is in flight into one request, latest per partition', async () => {
    const { requests, send } = heldSender();
    const writer = new CheckpointWriter(send, { topic: 'cp', group: 'g' });
    const first = writer.record('t', 0, head(1));
    const later = [
      writer.record('t', 0, head(2)),
      writer.record('t', 1, head(3)),
      writer.record('t', 0, head(4)),
    ];
    expect(requests).toHaveLength(1);
    requests[0].settle();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(requests).toHaveLength(2);
    expect(values(requests[1].batches).map((c) => [c.partition, c.seq])).toEqual([
      [0, '4'],
      [1, '3'],
    ]);
    requests[1].settle();
    await Promise.all(later);
  });

  it('rejects with a transient error when the broker refuses, and writes the head again next time', async () => {
    const { requests, send } = heldSender();
    const writer = new CheckpointWriter(send, { topic: 'cp', group: 'g' });
    const refused = writer.record('t', 0, head(5));
    requests[0].settle(
      Object.assign(new Error('Not authorized'), {
        name: 'KafkaJSProtocolError',
        retriable: false,
      }),
    );
    const error = await refused.catch((e: unknown) => e);
    expect(classifyFailure(error)).toEqual({ kind: 'transient', code: 'CHECKPOINT_WRITE' });
    expect((error as Error).message).toContain('Not authorized');
    const again = writer.record('t', 0, head(5));
    expect(requests).toHaveLength(2);
    requests[1].settle();
    await again;
  });
});
