import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { TopicBatch } from './batching-publisher';
import { ClusterPartitionCounts, splitByPartition, type PartitionCounts } from './partition-split';
import { PublisherClosedError } from './publish-errors';
import { StablePartitioner } from './stable-partitioner';
import { traceSends } from './tracing';

export interface AcknowledgedProducerOptions {
  /** Sends that may be in flight at once, each on its own idempotent producer (default 1). */
  lanes?: number;
  /** Where topics' partition counts come from (default: the cluster, via an admin client). */
  partitions?: PartitionCounts;
}

/** One idempotent producer that never has more than one send in flight. */
interface Lane {
  index: number;
  producer: Producer | undefined;
  connecting: Promise<Producer> | undefined;
  busy: boolean;
}

/**
 * Idempotent, acks=all sends whose promise resolves only on the broker's acknowledgement, over a
 * pool of lanes: each lane is its own idempotent KafkaJS producer with one request in flight, and
 * a lane carries one send at a time (further sends wait for a free lane).
 *
 * Why: when KafkaJS gives up on a request (its client-side timeout) it rolls the partition's
 * sequence number back, although the broker may still append that request. With two requests in
 * flight on one producer, the next batch can then go out with the same sequence, and the broker
 * acknowledges it as a duplicate without writing it: a 2xx for a hook that is not in Kafka. With
 * one request per producer the only request that can reuse a sequence is the retry of the same
 * batch, which the broker rightly deduplicates; and a lane whose send failed is retired (a fresh
 * producer, so a new producer id) before it sends anything else.
 *
 * Each KafkaJS send carries one topic-partition (the lane sends a batch's partitions side by
 * side; KafkaJS still sends one request at a time per broker). KafkaJS 2.2.4 retries a send that
 * spans several brokers by broker, not by partition (tulios/kafkajs#1303, #1798): when a leader
 * dies, a partition whose leadership moved to a broker that already answered is never sent again
 * (acknowledged, not written), and one that moved away from a broker that answered is sent again
 * under a new sequence (written twice). Measured by `npm run chaos` (leader-kill,
 * controller-kill) before the change: 1 acknowledged hook lost and 2 written twice in one short run.
 */
export class AcknowledgedProducer {
  private readonly lanes: Lane[];
  private readonly waiting: Array<{ take: (lane: Lane) => void; refuse: (e: Error) => void }> = [];
  private healthy = false;
  private closed = false;
  private readonly partitions: PartitionCounts;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
    options: AcknowledgedProducerOptions = {},
  ) {
    this.partitions = options.partitions ?? new ClusterPartitionCounts(kafka);
    const count = options.lanes ?? 1;
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`lanes must be a positive integer (got ${count})`);
    }
    this.lanes = Array.from({ length: count }, (_, index) => ({
      index,
      producer: undefined,
      connecting: undefined,
      busy: false,
    }));
  }

  /** True once a send or connect succeeded and nothing has failed since. */
  get isHealthy(): boolean {
    return this.healthy;
  }

  /** Connects every idle lane that has no producer (at start, and to probe after an outage). */
  async connect(): Promise<void> {
    if (this.closed) throw new PublisherClosedError();
    await Promise.all(
      this.lanes
        .filter((lane) => !lane.busy && !lane.producer)
        .map((lane) => this.producerOf(lane)),
    );
  }

  /** With tracing on, each message gets a `send <topic>` span (see traceSends). */
  async send(batches: TopicBatch[]): Promise<void> {
    const traced = traceSends(batches);
    try {
      await this.sendOnLane(traced.batches);
      traced.end();
    } catch (error) {
      traced.end(error);
      throw error;
    }
  }

  private async sendOnLane(batches: TopicBatch[]): Promise<void> {
    const lane = await this.acquire();
    try {
      const parts = await splitByPartition(batches, this.partitions);
      const producer = await this.producerOf(lane);
      // Every part settles before the lane is free again: a retired producer has nothing left.
      const sent = await Promise.allSettled(
        parts.map(({ topic, messages }) =>
          producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] }),
        ),
      );
      const failed = sent.find((result) => result.status === 'rejected');
      if (failed) {
        this.retire(lane, producer, failed.reason);
        throw failed.reason;
      }
      this.healthy = true;
    } finally {
      this.release(lane);
    }
  }

  /** For good: refuses sends still waiting for a lane and disconnects every producer. */
  async disconnect(): Promise<void> {
    this.closed = true;
    this.healthy = false;
    for (const waiter of this.waiting.splice(0)) waiter.refuse(new PublisherClosedError());
    await this.partitions.close();
    const producers = this.lanes.flatMap((lane) => {
      const producer = lane.producer;
      lane.producer = undefined;
      return producer ? [producer] : [];
    });
    await Promise.all(producers.map((producer) => producer.disconnect()));
  }

  private acquire(): Promise<Lane> {
    if (this.closed) return Promise.reject(new PublisherClosedError());
    const free = this.lanes.find((lane) => !lane.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((take, refuse) => this.waiting.push({ take, refuse }));
  }

  private release(lane: Lane): void {
    const next = this.waiting.shift();
    if (next) next.take(lane);
    else lane.busy = false;
  }

  private producerOf(lane: Lane): Promise<Producer> {
    if (lane.producer) return Promise.resolve(lane.producer);
    lane.connecting ??= this.create(lane).finally(() => {
      lane.connecting = undefined;
    });
    return lane.connecting;
  }

  private async create(lane: Lane): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: StablePartitioner,
      allowAutoTopicCreation: false,
      // Retrying inside one producer is safe with one request in flight: a retry carries the
      // same batch with the same sequence. Limited, so a send fails within billwerk's 10 s.
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    try {
      await producer.connect();
    } catch (error) {
      this.healthy = false;
      await producer.disconnect().catch((disconnectError: unknown) => {
        this.logger.debug(
          { lane: lane.index, err: String(disconnectError) },
          'disconnect of a producer that failed to connect failed',
        );
      });
      throw error;
    }
    lane.producer = producer;
    this.healthy = true;
    return producer;
  }

  private retire(lane: Lane, producer: Producer, error: unknown): void {
    this.healthy = false;
    if (lane.producer !== producer) return;
    lane.producer = undefined;
    this.logger.warn(
      { lane: lane.index, err: error instanceof Error ? error.message : String(error) },
      'Kafka send failed; retiring the lane for a fresh idempotent producer',
    );
    producer.disconnect().catch((disconnectError: unknown) => {
      this.logger.debug(
        { lane: lane.index, err: String(disconnectError) },
        'disconnect of a retired producer failed',
      );
    });
  }
}
