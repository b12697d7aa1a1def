import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { RETENTION_CONFIG, type RetentionConfig } from '../config/retention.config';
import { RETENTION_DLQ_TOPIC } from '../domain/retention-action';
import { RetentionKafkaService } from '../kafka/retention-kafka.service';
import { RETENTION_LOGGER } from '../retention.tokens';
import { WorkflowEngine } from '../workflow/workflow-engine';
import { HookConsumerService } from './hook-consumer.service';
import { HookIntake, type ConsumedMessage } from './hook-intake';

function deadLetterMessage(message: ConsumedMessage, code: string, reason: string) {
  return {
    key: message.key ?? `${message.topic}/${message.partition}/${message.offset}`,
    value: message.value,
    headers: {
      ...message.headers,
      'x-error-code': code,
      'x-error-message': reason,
      'x-origin-topic': message.topic,
      'x-origin-partition': String(message.partition),
      'x-origin-offset': message.offset,
      'x-failed-at': new Date().toISOString(),
    },
  };
}

/** Consumption of billwerk hooks, parking and dead-lettering. */
@Module({
  providers: [
    {
      provide: HookIntake,
      inject: [
        WorkflowEngine,
        DataSource,
        RetentionKafkaService,
        RETENTION_CONFIG,
        RETENTION_LOGGER,
      ],
      useFactory: (
        engine: WorkflowEngine,
        dataSource: DataSource,
        kafka: RetentionKafkaService,
        config: RetentionConfig,
        logger: Logger,
      ) =>
        new HookIntake(
          engine,
          dataSource,
          async (message, code, reason) => {
            await kafka.send([
              { topic: RETENTION_DLQ_TOPIC, messages: [deadLetterMessage(message, code, reason)] },
            ]);
            logger.error(
              {
                topic: message.topic,
                partition: message.partition,
                offset: message.offset,
                code,
                reason,
              },
              'hook sent to the dead-letter topic',
            );
          },
          config.pending,
          logger,
        ),
    },
    HookConsumerService,
  ],
  exports: [HookConsumerService],
})
export class IntakeModule {}
