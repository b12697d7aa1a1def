import { brokerReachable } from '@app/messaging';
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuditLogRepository } from '../audit-log/audit-log.repository';
import { AuditIngestionService } from '../ingestion/audit-ingestion.service';

interface ReadyStatus {
  status: 'ok';
  checks: { database: 'up'; broker: 'up'; consumer: 'running' | 'starting' };
}

const NOT_READY_CONSUMER_STATES = new Set(['backing-off', 'stopping', 'stopped']);

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly repository: AuditLogRepository,
    private readonly ingestion: AuditIngestionService,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Events can be stored now: the database and the broker both answer, and the consumer is not
   * paused waiting out a failure. Offsets going backwards leave it ready (the events are stored;
   * billwerk_audit_offset_regressions_total and an error log tell the operator).
   */
  @Get('ready')
  async ready(): Promise<ReadyStatus> {
    const [database, broker] = await Promise.all([
      this.repository.ping().then(
        () => true,
        () => false,
      ),
      brokerReachable(this.ingestion.kafka),
    ]);
    if (!database || !broker) {
      throw new ServiceUnavailableException(
        `not ready: database ${database ? 'up' : 'unreachable'}, broker ${broker ? 'up' : 'unreachable'}`,
      );
    }
    const consumer = this.ingestion.consumerStatus();
    if (consumer !== undefined && NOT_READY_CONSUMER_STATES.has(consumer.state)) {
      throw new ServiceUnavailableException(`not ready: consumer ${consumer.state}`);
    }
    return {
      status: 'ok',
      checks: {
        database: 'up',
        broker: 'up',
        consumer: this.ingestion.consuming ? 'running' : 'starting',
      },
    };
  }
}
