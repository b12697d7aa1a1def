import { AUDIT_CHECKPOINTS_TOPIC, AUDIT_CHECKPOINTS_TOPIC_CONFIG } from '@app/contracts';
import { AcknowledgedProducer, type TopicSpec } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { AUDIT_KAFKA, AUDIT_LOGGER } from '../audit.tokens';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import {
  CheckpointReader,
  CheckpointsUnavailableError,
  type CheckpointSnapshot,
  type CheckpointSource,
} from './checkpoint-reader';
import { CheckpointWriter } from './checkpoint-writer';

/**
 * The audit log's checkpoints on Kafka: the writer the consumer records heads with, and the
 * reader verify compares the table with. Started and stopped by the ingestion service, around
 * its consumer, so the last batch's checkpoint goes out before the producer closes.
 */
@Injectable()
export class ChainCheckpoints implements CheckpointSource {
  readonly writer: CheckpointWriter;
  private readonly producer: AcknowledgedProducer;
  private reader: CheckpointReader | undefined;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(AUDIT_LOGGER) private readonly logger: Logger,
    @Inject(AUDIT_KAFKA) private readonly kafka: Kafka,
  ) {
    this.producer = new AcknowledgedProducer(kafka, logger);
    this.writer = new CheckpointWriter((batches) => this.producer.send(batches), {
      topic: AUDIT_CHECKPOINTS_TOPIC,
      group: config.kafka.groupId,
    });
  }

  /** One partition: a few hundred bytes per stored batch, read whole by every instance. */
  topicSpec(): TopicSpec {
    return {
      topic: AUDIT_CHECKPOINTS_TOPIC,
      numPartitions: 1,
      replicationFactor: this.config.kafka.replicationFactor,
      configEntries: AUDIT_CHECKPOINTS_TOPIC_CONFIG,
    };
  }

  async startReader(): Promise<void> {
    const reader = new CheckpointReader(this.kafka, this.logger, {
      topic: AUDIT_CHECKPOINTS_TOPIC,
      group: this.config.kafka.groupId,
    });
    await reader.start();
    this.reader = reader;
  }

  snapshot(): Promise<CheckpointSnapshot> {
    if (this.reader === undefined) {
      return Promise.reject(
        new CheckpointsUnavailableError('the checkpoint reader has not started yet (Kafka away?)'),
      );
    }
    return this.reader.snapshot();
  }

  async stop(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    await reader?.stop();
    await this.producer.disconnect();
  }
}
