import { Controller, Get } from '@nestjs/common';

@Controller('health')
export class HealthController {
  /** The simulator is up and serving HTTP. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
