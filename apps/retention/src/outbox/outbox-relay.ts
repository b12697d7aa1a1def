import { RETENTION_ACTIONS_TOPIC, retentionActionMessage } from '@app/contracts';
import type { TopicBatch } from '@app/messaging';
import type { ActionType } from '../domain/retention-model';
import type { ClaimedAction } from '../persistence/records';
import type { RetentionStore } from '../persistence/retention-store';

/** How many due actions one relay round takes. */
const BATCH = 100;
/**
 * How long a claim hides rows from other relays. Longer than any send (the producer gives up
 * well within it); a relay that died mid-send leaves rows that are due again after it.
 */
const CLAIM_MS = 120_000;
/** Clock difference allowed between instances when looking for a dead relay's records. */
const CLOCK_SKEW_MS = 60_000;
/** A send is not started on a claim with less than this left: another relay may take over. */
const SEND_MARGIN_MS = 30_000;

/** A claim ran out before the send began: the rows are left to whichever relay claims them next. */
export class ClaimExpiredError extends Error {
  readonly code = 'OUTBOX_CLAIM_EXPIRED';
}

/** What the relay reports: each action it sent, and in-doubt actions it found already sent. */
export interface RelayObserver {
  published(type: ActionType): void;
  foundPublished(ids: string[]): void;
}

/** Which of `ids` are already on the actions topic among records written since `since`. */
export type PublishedLookup = (ids: ReadonlySet<string>, since: Date) => Promise<Set<string>>;

interface Claim {
  rows: ClaimedAction[];
  until: Date;
  /** Rows whose earlier claim ran out: a relay died between send and mark, or before sending. */
  inDoubt: ClaimedAction[];
}

/**
 * Publishes due outbox rows without holding a transaction across the network call: claim (a
 * short transaction sets `claimedUntil`; `FOR UPDATE SKIP LOCKED` on Postgres, so with several
 * instances each row is claimed once), commit, send, mark published. A failed send ends the claim
 * at once. Rows whose claim ran out (their relay was killed between the acknowledgement and the
 * mark, or their send failed after writing some) are looked up on the actions topic first: the
 * ones found there are marked, not sent again, so a crash never publishes one action twice. An
 * action cancelled meanwhile (erasure) keeps its status when marked: it went out before.
 */
export class OutboxRelay {
  constructor(
    private readonly store: RetentionStore,
    private readonly send: (batches: TopicBatch[]) => Promise<void>,
    private readonly findPublished: PublishedLookup,
    private readonly observer: RelayObserver,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Publishes what is due; returns how many actions went out or were found already out. */
  async relayDue(): Promise<number> {
    const claim = await this.claim();
    if (claim.rows.length === 0) return 0;
    try {
      return await this.publish(claim);
    } catch (error) {
      // Due again next round and in doubt: a failed or timed-out send may have written some of
      // them. If the database is gone as well, the claim runs out instead.
      await this.release(claim).catch((releaseError: unknown) => {
        throw new AggregateError([error, releaseError], 'relay round failed; claim not released');
      });
      throw error;
    }
  }

  private async publish(claim: Claim): Promise<number> {
    const found = await this.alreadyPublished(claim);
    const rows = claim.rows.filter((row) => !found.has(row.id));
    const at = this.now().toISOString();
    if (found.size > 0) {
      await this.store.outbox.markPublished([...found], at);
      this.observer.foundPublished([...found]);
    }
    if (rows.length === 0) return found.size;
    if (this.now().getTime() > claim.until.getTime() - SEND_MARGIN_MS) {
      throw new ClaimExpiredError(
        `claim on ${rows.length} outbox row(s) ran too low to send; left to the next relay round`,
      );
    }
    await this.send([
      {
        topic: RETENTION_ACTIONS_TOPIC,
        messages: rows.map((row) => retentionActionMessage(row.id, at, row.data, row.traceparent)),
      },
    ]);
    await this.store.outbox.markPublished(
      rows.map((row) => row.id),
      at,
    );
    for (const row of rows) this.observer.published(row.type);
    return claim.rows.length;
  }

  /**
   * Ends the claim at once, keeping the rows in doubt. A row that was in doubt already keeps its
   * earlier claim's end, so the next lookup still reaches back to a dead relay's sends.
   */
  private async release(claim: Claim): Promise<void> {
    const ends = claim.inDoubt.map((row) => Date.parse(row.previousClaimUntil ?? ''));
    const releasedAt = new Date(Math.min(this.now().getTime(), ...ends)).toISOString();
    await this.store.outbox.release(
      claim.rows.map((row) => row.id),
      releasedAt,
    );
  }

  private async alreadyPublished(claim: Claim): Promise<Set<string>> {
    if (claim.inDoubt.length === 0) return new Set();
    // The earliest a dead relay can have sent: when its claim began.
    const since = Math.min(
      ...claim.inDoubt.map((row) => Date.parse(row.previousClaimUntil ?? '') - CLAIM_MS),
    );
    return this.findPublished(
      new Set(claim.inDoubt.map((row) => row.id)),
      new Date(since - CLOCK_SKEW_MS),
    );
  }

  private async claim(): Promise<Claim> {
    const now = this.now();
    const until = new Date(now.getTime() + CLAIM_MS);
    const rows = await this.store.outbox.claimDue(now.toISOString(), until.toISOString(), BATCH);
    return { rows, until, inDoubt: rows.filter((row) => row.previousClaimUntil !== null) };
  }
}
