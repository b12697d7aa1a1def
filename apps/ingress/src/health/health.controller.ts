import { brokerReachable } from '@app/messaging';
import { Controller, Get, HttpCode, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { HookPublisherService } from '../publisher/hook-publisher.service';

interface ReadyStatus {
  status: 'ok';
  checks: { broker: 'up'; producer: 'connected' };
}

@Controller('health')
export class HealthController {
  constructor(private readonly publisher: HookPublisherService) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Hooks can be accepted now: the broker answers and the producer is connected. */
  @Get('ready')
  @HttpCode(HttpStatus.OK)
  async ready(): Promise<ReadyStatus> {
    const broker = await brokerReachable(this.publisher.kafka);
    if (broker && !this.publisher.producerHealthy) {
      await this.publisher.reconnect().catch(() => undefined);
    }
    const producer = this.publisher.ready;
    if (!broker || !producer) {
      throw new ServiceUnavailableException(
        `not ready: broker ${broker ? 'up' : 'unreachable'}, producer ${producer ? 'connected' : 'not connected'}`,
      );
    }
    return { status: 'ok', checks: { broker: 'up', producer: 'connected' } };
  }
}
