import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthChecks, NotReadyError } from './health-checks';

/** Probes: open without credentials, never naming hosts or ports. */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthChecks) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when every registered indicator is up, else 503 naming what is not. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; checks: Record<string, string> }> {
    const readiness = await this.health.readiness();
    if (!readiness.ready) throw new NotReadyError(readiness.detail, readiness.checks);
    return { status: 'ok', checks: readiness.checks };
  }
}
