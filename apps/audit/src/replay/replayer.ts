import { BatchingPublisher, type BatchSender } from '@app/messaging';
import type { AuditLogRepository, AuditEventFilter } from '../audit-log/audit-log.repository';
import type { ReplaySelection } from './replay-args';
import { replayMessage } from './replay-envelope';
import type { ReplayState, ReplayStateStore } from './replay-state';

export interface ReplayProgress {
  replayId: string;
  published: number;
  /** The `time` of the last acknowledged event. */
  reached: string;
}

export interface ReplayerOptions {
  /** Rows read, published and acknowledged together before the cursor is saved. */
  batchSize: number;
  /** Called after each acknowledged batch, once its cursor is saved. */
  onBatch?: (progress: ReplayProgress) => void;
  /** Checked between batches: an aborted run stops with its cursor saved, ready to resume. */
  signal?: AbortSignal;
}

export interface ReplayOutcome {
  published: number;
  finished: boolean;
}

function filterOf(selection: ReplaySelection): AuditEventFilter {
  return {
    from: selection.from,
    to: selection.to,
    type: selection.type,
    customerId: selection.customerId,
  };
}

/**
 * Re-publishes audit rows in (time, seq) order, a keyset page at a time. The cursor only moves
 * past a batch once the broker acknowledged all of it, so a crash repeats at most one batch, and
 * consumers skip those repeats by event id.
 */
export class Replayer {
  constructor(
    private readonly repository: AuditLogRepository,
    private readonly states: ReplayStateStore,
    private readonly send: BatchSender,
    private readonly options: ReplayerOptions,
  ) {}

  /** Events the selection matches, per type: what a run would publish. */
  async count(selection: ReplaySelection): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for await (const row of this.repository.stream(filterOf(selection))) {
      counts.set(row.type, (counts.get(row.type) ?? 0) + 1);
    }
    return counts;
  }

  /** Runs (or, given a saved state, continues) a replay until it is finished or aborted. */
  async run(state: ReplayState): Promise<ReplayOutcome> {
    const { batchSize, onBatch, signal } = this.options;
    await this.states.save(state);
    const publisher = new BatchingPublisher(this.send, {
      lingerMs: 0,
      maxBatchMessages: batchSize,
      maxBatchBytes: 1024 * 1024,
      maxPending: batchSize,
      maxInFlight: 1,
      ackTimeoutMs: 30_000,
    });
    try {
      while (!state.finished && signal?.aborted !== true) {
        const page = await this.repository.page({
          ...filterOf(state.selection),
          order: 'asc',
          limit: batchSize,
          after: state.after,
        });
        // One in flight keeps the topic's per-key order the same as the stored order.
        await Promise.all(
          page.items.map((row) =>
            publisher.publish(state.selection.topic, replayMessage(row, state.replayId)),
          ),
        );
        const last = page.items[page.items.length - 1];
        if (last !== undefined) state.after = { receivedAt: last.receivedAt, seq: last.seq };
        state.published += page.items.length;
        state.finished = page.next === undefined;
        await this.states.save(state);
        if (last !== undefined) {
          onBatch?.({
            replayId: state.replayId,
            published: state.published,
            reached: last.receivedAt,
          });
        }
      }
    } finally {
      await publisher.close();
    }
    return { published: state.published, finished: state.finished };
  }
}
