import type { ICustomPartitioner, Kafka, Producer, RecordMetadata } from 'kafkajs';
import type { Logger } from 'pino';
import type { TopicBatch } from './batching-publisher';
import { PartialSendError, PublisherClosedError } from './publish-errors';
import { StablePartitioner } from './stable-partitioner';

export interface AcknowledgedProducerOptions {
  /** Sends that may be in flight at once, each on its own idempotent producer (default 1). */
  lanes?: number;
}

/** One idempotent producer that never has more than one send in flight. */
interface Lane {
  index: number;
  producer: Producer | undefined;
  connecting: Promise<Producer> | undefined;
  busy: boolean;
  /** `topic/partition` of every record of the send in progress, as the partitioner placed it. */
  placed: Set<string>;
}

const placement = (topic: string, partition: number): string => `${topic}/${partition}`;

/** StablePartitioner, noting each placement in the lane's send in progress. */
function recordingPartitioner(lane: Lane): ICustomPartitioner {
  return () => {
    const partition = StablePartitioner();
    return (args) => {
      const chosen = partition(args);
      lane.placed.add(placement(args.topic, chosen));
      return chosen;
    };
  };
}

/** The placements the broker acknowledged none of: KafkaJS resolved without sending them. */
function unacknowledged(placed: Set<string>, acknowledged: RecordMetadata[] | undefined): string[] {
  const written = new Set((acknowledged ?? []).map((r) => placement(r.topicName, r.partition)));
  return [...placed].filter((key) => !written.has(key)).sort();
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
 * KafkaJS 2.2.4 can also resolve a send that never went to one partition: a retry skips every
 * broker that already answered that send, so a partition whose leader moved to such a broker is
 * dropped (tulios/kafkajs#1798). A send resolves here only when the acknowledgements name every
 * partition its records were placed on; otherwise it fails with PartialSendError.
 */
export class AcknowledgedProducer {
  private readonly lanes: Lane[];
  private readonly waiting: Array<{ take: (lane: Lane) => void; refuse: (e: Error) => void }> = [];
  private healthy = false;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
    options: AcknowledgedProducerOptions = {},
  ) {
    const count = options.lanes ?? 1;
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`lanes must be a positive integer (got ${count})`);
    }
    this.lanes = Array.from({ length: count }, (_, index) => ({
      index,
      producer: undefined,
      connecting: undefined,
      busy: false,
      placed: new Set<string>(),
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

  async send(batches: TopicBatch[]): Promise<void> {
    const lane = await this.acquire();
    try {
      const producer = await this.producerOf(lane);
      // Messages carry no partition of their own: the partitioner places every one of them.
      lane.placed.clear();
      try {
        const acknowledged = await producer.sendBatch({ acks: -1, topicMessages: batches });
        const missing = unacknowledged(lane.placed, acknowledged);
        if (missing.length > 0) throw new PartialSendError(missing);
        this.healthy = true;
      } catch (error) {
        this.retire(lane, producer, error);
        throw error;
      }
    } finally {
      this.release(lane);
    }
  }

  /** For good: refuses sends still waiting for a lane and disconnects every producer. */
  async disconnect(): Promise<void> {
    this.closed = true;
    this.healthy = false;
    for (const waiter of this.waiting.splice(0)) waiter.refuse(new PublisherClosedError());
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
      createPartitioner: recordingPartitioner(lane),
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
