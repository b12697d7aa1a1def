import { HealthChecks, type HealthIndicator, type HealthReport } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { HookConsumerService } from '../intake/hook-consumer.service';

/** Hooks are being consumed: the consumer is in its group and not waiting out a database outage. */
@Injectable()
export class ConsumerHealth implements HealthIndicator {
  readonly name = 'the consumer';

  constructor(
    private readonly consumer: HookConsumerService,
    health: HealthChecks,
  ) {
    health.register(this);
  }

  check(): HealthReport {
    const up = this.consumer.ready;
    return { up, checks: { consumer: up ? 'joined' : 'not joined' } };
  }
}
