import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HookConsumerService } from '../intake/hook-consumer.service';
import { RetentionStore } from '../persistence/retention-store';

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly store: RetentionStore,
    private readonly consumer: HookConsumerService,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Hooks are being consumed: the store answers and the consumer is in its group. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; checks: { database: 'up'; consumer: 'joined' } }> {
    const database = await this.store.ping().then(
      () => true,
      () => false,
    );
    const consumer = this.consumer.ready;
    if (!database || !consumer) {
      throw new ServiceUnavailableException(
        `not ready: database ${database ? 'up' : 'unreachable'}, consumer ${consumer ? 'joined' : 'not joined'}`,
      );
    }
    return { status: 'ok', checks: { database: 'up', consumer: 'joined' } };
  }
}
