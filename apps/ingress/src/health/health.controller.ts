import { Controller, Get, HttpCode, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { KafkaReadiness } from './kafka-readiness';

interface ReadyStatus {
  status: 'ok';
  checks: { broker: 'up'; producer: 'connected' };
}

@Controller('health')
export class HealthController {
  constructor(private readonly kafka: KafkaReadiness) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Hooks can be accepted now: the broker answered and the producer is connected, as of the last
   * background check. Never names hosts or ports: the probe may be reachable from outside.
   */
  @Get('ready')
  @HttpCode(HttpStatus.OK)
  ready(): ReadyStatus {
    const { broker, producer } = this.kafka.state;
    if (!broker || !producer) {
      throw new ServiceUnavailableException(
        `not ready: Kafka is unavailable (broker ${broker ? 'up' : 'unreachable'}, producer ${producer ? 'connected' : 'not connected'})`,
      );
    }
    return { status: 'ok', checks: { broker: 'up', producer: 'connected' } };
  }
}
