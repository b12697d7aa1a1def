import { buildDeadLetter, RETENTION_DLQ_TOPIC } from '@app/contracts';
import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { RETENTION_CONFIG, type RetentionConfig } from '../config/retention.config';
import { RetentionKafkaService } from '../kafka/retention-kafka.service';
import { RetentionStore } from '../persistence/retention-store';
import { RETENTION_LOGGER } from '../retention.tokens';
import { WorkflowEngine } from '../workflow/workflow-engine';
import { HookConsumerService } from './hook-consumer.service';
import { HookIntake, type ConsumedMessage } from './hook-intake';
import { HookReadCache } from './hook-read-cache';

/** The shared `dlq-*` dead-letter format (libs/contracts), as every app writes it. */
function deadLetterMessage(
  message: ConsumedMessage,
  info: { code: string; reason: string; attempts: number; groupId: string },
) {
  return buildDeadLetter(
    {
      key: message.key ?? `${message.topic}/${message.partition}/${message.offset}`,
      value: Buffer.from(message.value),
      headers: message.headers,
    },
    {
      error: info.reason,
      errorCode: info.code,
      originTopic: message.topic,
      originPartition: message.partition,
      originOffset: message.offset,
      consumerGroup: info.groupId,
      attempts: info.attempts,
    },
  );
}

/** Consumption of billwerk hooks, parking and dead-lettering. */
@Module({
  providers: [
    {
      provide: HookIntake,
      inject: [
        WorkflowEngine,
        RetentionStore,
        RetentionKafkaService,
        RETENTION_CONFIG,
        RETENTION_LOGGER,
        HookReadCache,
      ],
      useFactory: (
        engine: WorkflowEngine,
        store: RetentionStore,
        kafka: RetentionKafkaService,
        config: RetentionConfig,
        logger: Logger,
        reads: HookReadCache,
      ) =>
        new HookIntake(
          engine,
          store,
          async (message, code, reason, attempts) => {
            const letter = deadLetterMessage(message, {
              code,
              reason,
              attempts,
              groupId: config.kafka.groupId,
            });
            await kafka.send([{ topic: RETENTION_DLQ_TOPIC, messages: [letter] }]);
            logger.error(
              {
                topic: message.topic,
                partition: message.partition,
                offset: message.offset,
                code,
                reason,
                attempts,
              },
              'hook sent to the dead-letter topic',
            );
          },
          config.pending,
          logger,
          undefined,
          reads,
        ),
    },
    HookConsumerService,
  ],
  exports: [HookConsumerService],
})
export class IntakeModule {}
