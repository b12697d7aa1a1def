import { databaseKind, isUniqueViolation, type DatabaseKind } from '@app/persistence';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';
import type { AuditRecord } from './audit-record';
import { GENESIS_HASH, type ChainLinker, type RowLink } from './hash-chain';

export interface AuditEventFilter {
  customerId?: string;
  contractId?: string;
  type?: string;
  source?: string;
  /** Inclusive lower bound on `receivedAt` (ISO). */
  from?: string;
  /** Exclusive upper bound on `receivedAt` (ISO). */
  to?: string;
}

export interface ChainPartition {
  topic: string;
  partition: number;
}

/** A keyset position: the last row a page ended with. */
export interface AuditPosition {
  receivedAt: string;
  seq: string;
}

export interface AuditPageRequest extends AuditEventFilter {
  order: 'asc' | 'desc';
  limit: number;
  after?: AuditPosition;
}

export interface AuditPage {
  items: AuditEventEntity[];
  /** Set when more rows follow the last item. */
  next?: AuditPosition;
}

/** The newest row of a topic-partition: where its chain continues. */
export interface ChainHead {
  seq: string;
  offset: string;
  hash: string;
  /** Null: a legacy unkeyed row. */
  keyId: string | null;
}

export interface AppendOutcome {
  written: number;
  /** Messages whose event id is already stored: redeliveries. */
  duplicates: number;
  /**
   * New events at or below the partition's highest stored offset: the topic was recreated or the
   * cluster replaced, and offsets restarted. They are stored; this reports it.
   */
  offsetRegression?: { headOffset: string; firstOffset: string; count: number };
  /** The partition's newest row after the append; undefined while the partition has none. */
  head?: ChainHead;
}

const COLUMNS = [
  'event_id',
  'type',
  'source',
  'subject',
  'contract_id',
  'customer_id',
  'topic',
  'kafka_partition',
  'kafka_offset',
  'kafka_timestamp',
  'received_at',
  'recorded_at',
  'retry_count',
  'data',
  'headers',
  'hash',
  'raw_value',
  'chain_key_id',
] as const;

/** Rows per SQLite INSERT statement and per event-id look-up: well below its parameter limit. */
const INSERT_CHUNK = 1000;
/** Rows read per round trip when walking the table (export, verify). */
const READ_CHUNK = 1000;

function rowValues(row: AuditRecord, link: RowLink): unknown[] {
  return [
    row.eventId,
    row.type,
    row.source,
    row.subject,
    row.contractId,
    row.customerId,
    row.topic,
    row.partition,
    row.offset,
    row.kafkaTimestamp,
    row.receivedAt,
    row.recordedAt,
    row.retryCount,
    link.dataJson,
    link.headersJson,
    link.hash,
    link.rawValue,
    link.keyId,
  ];
}

function placeholders(rows: number, columns: number): string {
  const tuple = `(${Array.from({ length: columns }, () => '?').join(',')})`;
  return Array.from({ length: rows }, () => tuple).join(',');
}

const POSTGRES_COLUMN_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'int',
  'bigint',
  'timestamptz',
  'timestamptz',
  'timestamptz',
  'int',
  'jsonb',
  'jsonb',
  'text',
  'text',
  'text',
];
/** Rows go in in array order, so the largest seq is the last row's: the new chain head. */
const UNNEST_INSERT = `WITH inserted AS (INSERT INTO audit_events (${COLUMNS.join(',')}) SELECT * FROM unnest(${POSTGRES_COLUMN_TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(',')}) RETURNING seq) SELECT max(seq)::text AS seq FROM inserted`;

/** Postgres advisory lock key of a topic (the partition is the second key). */
function topicLockKey(topic: string): number {
  return createHash('sha256').update(topic).digest().readInt32BE(0);
}

/** Appending needs a chain linker (the keys); a repository opened without one only reads. */
export class ReadOnlyAuditLogError extends Error {
  readonly code = 'AUDIT_LOG_READ_ONLY';
  constructor() {
    super('this audit log was opened without a chain linker: it can only be read');
  }
}

/**
 * The audit table. Only appends and reads: there is deliberately no update or delete path, and
 * nothing here needs more than INSERT and SELECT (plus advisory locks on Postgres).
 */
export class AuditLogRepository {
  readonly kind: DatabaseKind;
  private readonly events: Repository<AuditEventEntity>;
  /** SQLite has one connection: its write transactions must not interleave. */
  private writeQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly linker?: ChainLinker,
  ) {
    this.kind = databaseKind(dataSource);
    this.events = dataSource.getRepository(AuditEventEntity);
  }

  private get link(): ChainLinker {
    if (this.linker === undefined) throw new ReadOnlyAuditLogError();
    return this.linker;
  }

  /**
   * Appends one topic-partition's messages in one transaction, chaining each row's HMAC (under the
   * active chain key) to the partition's latest row (by seq). Duplicates are decided by event id alone, looked up before
   * hashing: an INSERT that silently skipped a row would leave a hole in the chain, so a
   * concurrent writer's conflict fails the transaction instead and the batch is tried again.
   * Offsets are not trusted for it: a recreated topic restarts them at 0.
   */
  appendIfAbsent(topic: string, partition: number, records: AuditRecord[]): Promise<AppendOutcome> {
    const link = this.link;
    const attempt = (): Promise<AppendOutcome> =>
      this.dataSource.transaction((manager) =>
        this.append(manager, link, topic, partition, records),
      );
    // A unique violation: another writer stored one of these event ids meanwhile; look again.
    const write = (): Promise<AppendOutcome> =>
      attempt().catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error;
        return attempt();
      });
    if (this.kind === 'postgres') return write();
    const queued = this.writeQueue.then(write, write);
    this.writeQueue = queued.catch(() => undefined);
    return queued;
  }

  private async append(
    manager: EntityManager,
    link: ChainLinker,
    topic: string,
    partition: number,
    records: AuditRecord[],
  ): Promise<AppendOutcome> {
    if (this.kind === 'postgres') {
      // Two writers on one partition (a rebalance in flight) must not fork the chain.
      await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [topicLockKey(topic), partition]);
    }
    const head = await this.head(manager, topic, partition);
    const headOffset = head?.offset;
    const known = await this.knownEventIds(
      manager,
      records.map((record) => record.eventId),
    );
    const fresh: unknown[][] = [];
    let regression: AppendOutcome['offsetRegression'];
    let previous = head?.hash ?? GENESIS_HASH;
    let lastOffset = '';
    let keyId: string | null = null;
    for (const record of records) {
      if (known.has(record.eventId)) continue;
      known.add(record.eventId);
      lastOffset = record.offset;
      if (headOffset !== undefined && BigInt(record.offset) <= BigInt(headOffset)) {
        regression ??= { headOffset, firstOffset: record.offset, count: 0 };
        regression.count += 1;
      }
      const linked = link(previous, record);
      previous = linked.hash;
      keyId = linked.keyId;
      fresh.push(rowValues(record, linked));
    }
    const outcome: AppendOutcome = {
      written: fresh.length,
      duplicates: records.length - fresh.length,
      ...(regression === undefined ? {} : { offsetRegression: regression }),
      ...(head === undefined ? {} : { head }),
    };
    if (fresh.length === 0) return outcome;
    let lastSeq: string;
    if (this.kind === 'postgres') {
      // One array per column: Postgres parses one small statement instead of 18 000 parameters.
      const columns = COLUMNS.map((_, column) => fresh.map((row) => row[column]));
      const [inserted] = await manager.query<Array<{ seq: string }>>(UNNEST_INSERT, columns);
      lastSeq = String(inserted.seq);
    } else {
      for (let start = 0; start < fresh.length; start += INSERT_CHUNK) {
        const chunk = fresh.slice(start, start + INSERT_CHUNK);
        await manager.query(
          `INSERT INTO audit_events (${COLUMNS.join(',')}) VALUES ${placeholders(chunk.length, COLUMNS.length)}`,
          chunk.flat(),
        );
      }
      const [inserted] = await manager.query<Array<{ seq: number }>>(
        'SELECT last_insert_rowid() AS seq',
      );
      lastSeq = String(inserted.seq);
    }
    return { ...outcome, head: { seq: lastSeq, offset: lastOffset, hash: previous, keyId } };
  }

  /** The partition's latest row: its chain continues from there. */
  private async head(
    manager: EntityManager,
    topic: string,
    partition: number,
  ): Promise<ChainHead | undefined> {
    const row = await manager
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .select(['e.seq', 'e.offset', 'e.hash', 'e.chainKeyId'])
      .where('e.topic = :topic AND e.partition = :partition', { topic, partition })
      .orderBy('e.seq', 'DESC')
      .limit(1)
      .getOne();
    return row === null
      ? undefined
      : { seq: row.seq, offset: row.offset, hash: row.hash, keyId: row.chainKeyId };
  }

  private async knownEventIds(manager: EntityManager, ids: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let start = 0; start < ids.length; start += INSERT_CHUNK) {
      const rows = await manager
        .getRepository(AuditEventEntity)
        .createQueryBuilder('e')
        .select(['e.seq', 'e.eventId'])
        .where('e.eventId IN (:...ids)', { ids: ids.slice(start, start + INSERT_CHUNK) })
        .getMany();
      for (const row of rows) known.add(row.eventId);
    }
    return known;
  }

  findByEventId(eventId: string): Promise<AuditEventEntity | null> {
    return this.events.findOneBy({ eventId });
  }

  /** One page in (receivedAt, seq) order, served by the (filter, received_at, seq) indexes. */
  async page(request: AuditPageRequest): Promise<AuditPage> {
    const direction = request.order === 'asc' ? 'ASC' : 'DESC';
    const query = this.events.createQueryBuilder('e');
    const equal = {
      customerId: request.customerId,
      contractId: request.contractId,
      type: request.type,
      source: request.source,
    };
    for (const [field, value] of Object.entries(equal)) {
      if (value !== undefined) query.andWhere(`e.${field} = :${field}`, { [field]: value });
    }
    if (request.from !== undefined) query.andWhere('e.receivedAt >= :from', { from: request.from });
    if (request.to !== undefined) query.andWhere('e.receivedAt < :to', { to: request.to });
    if (request.after !== undefined) {
      query.andWhere(
        `(e.receivedAt, e.seq) ${request.order === 'asc' ? '>' : '<'} (:afterTime, :afterSeq)`,
        { afterTime: request.after.receivedAt, afterSeq: Number(request.after.seq) },
      );
    }
    const rows = await query
      .orderBy('e.receivedAt', direction)
      .addOrderBy('e.seq', direction)
      .limit(request.limit + 1)
      .getMany();
    const items = rows.slice(0, request.limit);
    const last = items[items.length - 1];
    return {
      items,
      next:
        rows.length > request.limit ? { receivedAt: last.receivedAt, seq: last.seq } : undefined,
    };
  }

  /** Every matching row in ascending order, a chunk at a time: memory stays flat. */
  async *stream(filter: AuditEventFilter): AsyncGenerator<AuditEventEntity> {
    let after: AuditPosition | undefined;
    do {
      const page = await this.page({ ...filter, order: 'asc', limit: READ_CHUNK, after });
      yield* page.items;
      after = page.next;
    } while (after !== undefined);
  }

  /** Every topic-partition with rows (a scan of the chain index: for full verifies). */
  chainPartitions(): Promise<ChainPartition[]> {
    return this.distinctPartitions('0');
  }

  /** Topic-partitions with rows past `seq` (a range of the primary key: for incremental ones). */
  partitionsWithRowsAfter(seq: string): Promise<ChainPartition[]> {
    return this.distinctPartitions(seq);
  }

  private async distinctPartitions(afterSeq: string): Promise<ChainPartition[]> {
    const rows = await this.events
      .createQueryBuilder('e')
      .select('e.topic', 'topic')
      .addSelect('e.partition', 'partition')
      .where('e.seq > :afterSeq', { afterSeq: Number(afterSeq) })
      .distinct(true)
      .getRawMany<{ topic: string; partition: number | string }>();
    return rows
      .map((row) => ({ topic: row.topic, partition: Number(row.partition) }))
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  /** The highest seq in the table ('0' when empty). */
  async maxSeq(): Promise<string> {
    const [row] = await this.dataSource.query<Array<{ seq: string | number | null }>>(
      'SELECT MAX(seq) AS seq FROM audit_events',
    );
    return String(row?.seq ?? '0');
  }

  /** A partition's rows after `afterSeq`, in chain (seq) order, at most `limit`. */
  chainRows(
    topic: string,
    partition: number,
    afterSeq: string,
    limit = READ_CHUNK,
  ): Promise<AuditEventEntity[]> {
    return this.events
      .createQueryBuilder('e')
      .where('e.topic = :topic AND e.partition = :partition AND e.seq > :afterSeq', {
        topic,
        partition,
        afterSeq: Number(afterSeq),
      })
      .orderBy('e.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** The row at `seq`, whichever partition it belongs to. */
  rowAt(seq: string): Promise<AuditEventEntity | null> {
    return this.events
      .createQueryBuilder('e')
      .where('e.seq = :seq', { seq: Number(seq) })
      .getOne();
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
