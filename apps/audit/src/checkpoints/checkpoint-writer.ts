import { auditCheckpointKey, type AuditCheckpoint } from '@app/contracts';
import { DependencyUnavailableError, errorMessage, type BatchSender } from '@app/messaging';
import type { ChainHead } from '../audit-log/audit-log.repository';

interface Pending {
  checkpoint: AuditCheckpoint;
  waiters: Array<{ resolve: () => void; reject: (error: Error) => void }>;
}

export interface CheckpointRecorder {
  /** Resolves once the broker acknowledged a checkpoint at (or past) `head`. */
  record(topic: string, partition: number, head: ChainHead): Promise<void>;
}

/**
 * Writes chain heads to the compacted checkpoint topic, one produce request at a time: heads
 * recorded while a request is in flight are coalesced into the next one (the latest per
 * partition wins), so concurrent partitions cost one round trip, not one each. A head equal to
 * the last one acknowledged for its partition is not written again (a redelivered batch).
 */
export class CheckpointWriter implements CheckpointRecorder {
  private readonly pending = new Map<string, Pending>();
  private readonly acknowledged = new Map<string, string>();
  private flushing = false;

  constructor(
    private readonly send: BatchSender,
    private readonly options: { topic: string; group: string; now?: () => Date },
  ) {}

  record(topic: string, partition: number, head: ChainHead): Promise<void> {
    const key = auditCheckpointKey(this.options.group, topic, partition);
    if (this.acknowledged.get(key) === head.seq && !this.pending.has(key)) {
      return Promise.resolve();
    }
    const checkpoint: AuditCheckpoint = {
      group: this.options.group,
      topic,
      partition,
      offset: head.offset,
      seq: head.seq,
      hash: head.hash,
      keyId: head.keyId,
      at: (this.options.now?.() ?? new Date()).toISOString(),
    };
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(key) ?? { checkpoint, waiters: [] };
      // Heads of one partition only move forward: its writes are serialised by the consumer.
      entry.checkpoint = checkpoint;
      entry.waiters.push({ resolve, reject });
      this.pending.set(key, entry);
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.size > 0) {
        const batch = [...this.pending];
        this.pending.clear();
        try {
          await this.send([
            {
              topic: this.options.topic,
              messages: batch.map(([key, { checkpoint }]) => ({
                key,
                value: JSON.stringify(checkpoint),
                headers: {},
              })),
            },
          ]);
        } catch (error) {
          const failure = new DependencyUnavailableError(
            'CHECKPOINT_WRITE',
            `audit checkpoint not written to ${this.options.topic}: ${errorMessage(error)}`,
            { cause: error },
          );
          for (const [, { waiters }] of batch) for (const w of waiters) w.reject(failure);
          continue;
        }
        for (const [key, { checkpoint, waiters }] of batch) {
          this.acknowledged.set(key, checkpoint.seq);
          for (const waiter of waiters) waiter.resolve();
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
