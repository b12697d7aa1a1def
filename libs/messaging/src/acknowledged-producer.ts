import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { TopicBatch } from './batching-publisher';

/**
 * An idempotent, acks=all producer whose `send` resolves only on the broker's acknowledgement.
 *
 * After a failed send the producer is replaced. An idempotent producer that gave up on a request
 * the broker may still have written would reuse that request's sequence numbers, and the broker
 * would answer the next, different batch as a duplicate of it: acknowledged, never written.
 * A fresh producer id makes that impossible.
 */
export class AcknowledgedProducer {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private healthy = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
  ) {}

  /** True once a send or connect succeeded and nothing has failed since. */
  get isHealthy(): boolean {
    return this.healthy;
  }

  async connect(): Promise<void> {
    await this.current();
  }

  async send(batches: TopicBatch[]): Promise<void> {
    const producer = await this.current();
    try {
      await producer.sendBatch({ acks: -1, topicMessages: batches });
      this.healthy = true;
    } catch (error) {
      this.discard(producer, error);
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.healthy = false;
    if (producer) await producer.disconnect();
  }

  private current(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= this.create().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async create(): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      // Java's murmur2 partitioning: a key lands where a Java producer would put it too.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    try {
      await producer.connect();
    } catch (error) {
      this.healthy = false;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    this.healthy = true;
    return producer;
  }

  private discard(producer: Producer, error: unknown): void {
    this.healthy = false;
    if (this.producer !== producer) return;
    this.producer = undefined;
    this.logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'Kafka send failed; replacing the idempotent producer',
    );
    producer.disconnect().catch((disconnectError: unknown) => {
      this.logger.debug({ err: String(disconnectError) }, 'disconnect of failed producer failed');
    });
  }
}
