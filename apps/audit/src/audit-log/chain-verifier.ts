import type { AuditCheckpoint } from '@app/contracts';
import { errorMessage } from '@app/messaging';
import type { CheckpointSnapshot, CheckpointSource } from '../checkpoints/checkpoint-reader';
import { partitionKey } from '../checkpoints/checkpoint-reader';
import type { AuditEventEntity } from './audit-event.entity';
import type { AuditLogRepository, ChainPartition } from './audit-log.repository';
import { checkLink, type LinkProblem } from './chain-check';
import type { ChainKeyRing } from './chain-keys';
import { GENESIS_HASH } from './hash-chain';

/** A link problem, or `VERIFIED_ROW_CHANGED`: a row an earlier verify passed was changed or removed since. */
export type ChainProblem = LinkProblem | 'VERIFIED_ROW_CHANGED';

export interface BrokenLink {
  offset: string;
  eventId: string;
  /** Null when the row is gone. */
  storedHash: string | null;
  /** Null when it cannot be computed: the row names an unknown key or lacks its value. */
  expectedHash: string | null;
  problem: ChainProblem;
}

/**
 * How the table compares with the partition's checkpoint: `MATCHED` (the checkpointed row is
 * there with its hash; the table may be ahead of it), `TRUNCATED` (the table's head is behind the
 * checkpoint: rows were removed from the end), `ROW_REMOVED` (the checkpointed row is gone),
 * `HASH_DIFFERS` (it is there with another hash: rewritten).
 */
export type CheckpointState = 'MATCHED' | 'TRUNCATED' | 'ROW_REMOVED' | 'HASH_DIFFERS';

export interface RowPosition {
  seq: string;
  offset: string;
  hash: string;
  keyId: string | null;
}

export interface PartitionReport {
  topic: string;
  partition: number;
  /** True when the chain links up and matches its checkpoint. */
  ok: boolean;
  /** Rows read by this call (an incremental verify reads only rows past the last verified one). */
  rowsChecked: number;
  /** Rows verified since the last full verify (or the app's start), this call's included. */
  rowsVerified: number;
  /** Of those, legacy rows of the unkeyed SHA-256 chain. */
  legacyRows: number;
  /** Broken links found since the last full verify: they stay reported until one passes. */
  brokenLinks: number;
  firstBrokenLink: BrokenLink | null;
  /** The newest row verified. */
  head: RowPosition | null;
  checkpoint: (RowPosition & { at: string; state: CheckpointState }) | null;
}

export interface VerifyReport {
  ok: boolean;
  /** True when every chain was read from its first row; false: from the last verified row on. */
  full: boolean;
  checkpoints: { read: boolean; error: string | null; malformed: number };
  partitions: PartitionReport[];
}

interface Progress {
  /** The last row verified: the next incremental verify continues after it. */
  head: (RowPosition & { eventId: string }) | null;
  afterKeyed: boolean;
  rowsVerified: number;
  legacyRows: number;
  brokenLinks: number;
  firstBrokenLink: BrokenLink | null;
}

/** Told the outcome of every verify (metrics); must not throw. */
export interface VerifyObserver {
  verified(report: VerifyReport): void;
  verifyFailed(): void;
}

export type ChainRows = Pick<
  AuditLogRepository,
  'chainPartitions' | 'partitionsWithRowsAfter' | 'maxSeq' | 'chainRows' | 'rowAt'
>;

/** Rows read per round trip. */
const CHUNK = 1000;

const fresh = (): Progress => ({
  head: null,
  afterKeyed: false,
  rowsVerified: 0,
  legacyRows: 0,
  brokenLinks: 0,
  firstBrokenLink: null,
});

function position(row: AuditEventEntity): RowPosition & { eventId: string } {
  return {
    seq: row.seq,
    offset: row.offset,
    hash: row.hash,
    keyId: row.chainKeyId,
    eventId: row.eventId,
  };
}

/**
 * Verifies the chains incrementally: each partition from the last row an earlier call verified
 * (kept in memory; the first call after start reads everything, as does `full`), re-checking that
 * row, then against the partition's checkpoint on Kafka, which a rewriter of the table cannot
 * rewind: rows removed from the end show as a head behind it. Calls run one at a time.
 */
export class ChainVerifier {
  private readonly progress = new Map<string, Progress & ChainPartition>();
  /** The table's highest seq when the last call began: new partitions show up past it. */
  private seenSeq: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly rows: ChainRows,
    private readonly keys: ChainKeyRing,
    private readonly checkpoints: CheckpointSource | null,
    private readonly observer?: VerifyObserver,
  ) {}

  verify(options: { full: boolean }): Promise<VerifyReport> {
    const run = this.queue.then(() => this.run(options.full));
    this.queue = run.catch(() => undefined);
    return run.then(
      (report) => {
        this.observer?.verified(report);
        return report;
      },
      (error: unknown) => {
        this.observer?.verifyFailed();
        throw error;
      },
    );
  }

  private async run(forceFull: boolean): Promise<VerifyReport> {
    const full = forceFull || this.seenSeq === undefined;
    // Checkpoints first: every one of them was written after its rows committed, so the walk
    // that follows sees those rows, and a table ahead of a checkpoint is never taken for one
    // behind it.
    const snapshot = await this.snapshot();
    const highSeq = await this.rows.maxSeq();
    if (full) this.progress.clear();
    const partitions = full
      ? await this.rows.chainPartitions()
      : await this.rows.partitionsWithRowsAfter(this.seenSeq ?? '0');
    for (const { topic, partition } of partitions) this.track(topic, partition);
    for (const checkpoint of snapshot.checkpoints.values()) {
      this.track(checkpoint.topic, checkpoint.partition);
    }
    const reports: PartitionReport[] = [];
    for (const progress of [...this.progress.values()].sort(
      (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition,
    )) {
      const key = partitionKey(progress.topic, progress.partition);
      reports.push(await this.verifyPartition(progress, snapshot.checkpoints.get(key)));
    }
    this.seenSeq = highSeq;
    const checkpoints = {
      read: snapshot.error === null,
      error: snapshot.error,
      malformed: snapshot.malformed,
    };
    return {
      ok: checkpoints.read && checkpoints.malformed === 0 && reports.every((r) => r.ok),
      full,
      checkpoints,
      partitions: reports,
    };
  }

  private track(topic: string, partition: number): void {
    const key = partitionKey(topic, partition);
    if (!this.progress.has(key)) this.progress.set(key, { topic, partition, ...fresh() });
  }

  private async snapshot(): Promise<CheckpointSnapshot & { error: string | null }> {
    if (this.checkpoints === null) {
      return { checkpoints: new Map(), malformed: 0, error: 'no checkpoint source configured' };
    }
    try {
      return { ...(await this.checkpoints.snapshot()), error: null };
    } catch (error) {
      return { checkpoints: new Map(), malformed: 0, error: errorMessage(error) };
    }
  }

  private async verifyPartition(
    progress: Progress & ChainPartition,
    checkpoint: AuditCheckpoint | undefined,
  ): Promise<PartitionReport> {
    const { topic, partition } = progress;
    const verified = progress.head;
    if (verified !== null) {
      const row = await this.rows.rowAt(verified.seq);
      if (row === null || row.hash !== verified.hash) {
        // Changed behind our back: note it, and read the whole partition again to show how.
        const change: BrokenLink = {
          offset: verified.offset,
          eventId: verified.eventId,
          storedHash: row?.hash ?? null,
          expectedHash: verified.hash,
          problem: 'VERIFIED_ROW_CHANGED',
        };
        Object.assign(progress, fresh(), { brokenLinks: 1, firstBrokenLink: change });
      }
    }
    let rowsChecked = 0;
    for (;;) {
      const rows = await this.rows.chainRows(topic, partition, progress.head?.seq ?? '0', CHUNK);
      for (const row of rows) this.check(progress, row);
      rowsChecked += rows.length;
      if (rows.length < CHUNK) break;
    }
    const head = progress.head;
    const report: PartitionReport = {
      topic,
      partition,
      ok: false,
      rowsChecked,
      rowsVerified: progress.rowsVerified,
      legacyRows: progress.legacyRows,
      brokenLinks: progress.brokenLinks,
      firstBrokenLink: progress.firstBrokenLink,
      head:
        head === null
          ? null
          : { seq: head.seq, offset: head.offset, hash: head.hash, keyId: head.keyId },
      checkpoint:
        checkpoint === undefined
          ? null
          : {
              seq: checkpoint.seq,
              offset: checkpoint.offset,
              hash: checkpoint.hash,
              keyId: checkpoint.keyId,
              at: checkpoint.at,
              state: await this.compare(checkpoint, topic, partition, head),
            },
    };
    report.ok =
      report.brokenLinks === 0 &&
      (report.checkpoint === null || report.checkpoint.state === 'MATCHED');
    return report;
  }

  private check(progress: Progress, row: AuditEventEntity): void {
    const previous = progress.head?.hash ?? GENESIS_HASH;
    const link = checkLink(row, previous, this.keys, progress.afterKeyed);
    if (link.problem !== undefined) {
      progress.brokenLinks += 1;
      progress.firstBrokenLink ??= {
        offset: row.offset,
        eventId: row.eventId,
        storedHash: row.hash,
        expectedHash: link.expectedHash,
        problem: link.problem,
      };
    }
    // Continue from the stored hash: one edit reports one break, not every row after it.
    progress.head = position(row);
    progress.afterKeyed ||= row.chainKeyId !== null;
    progress.rowsVerified += 1;
    if (row.chainKeyId === null) progress.legacyRows += 1;
  }

  private async compare(
    checkpoint: AuditCheckpoint,
    topic: string,
    partition: number,
    head: RowPosition | null,
  ): Promise<CheckpointState> {
    if (head === null || BigInt(head.seq) < BigInt(checkpoint.seq)) return 'TRUNCATED';
    const row =
      head.seq === checkpoint.seq
        ? { topic, partition, hash: head.hash }
        : await this.rows.rowAt(checkpoint.seq);
    if (row === null || row.topic !== topic || row.partition !== partition) return 'ROW_REMOVED';
    return row.hash === checkpoint.hash ? 'MATCHED' : 'HASH_DIFFERS';
  }
}
