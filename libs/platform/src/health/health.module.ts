import { Module, type DynamicModule } from '@nestjs/common';
import { HealthChecks, type HealthCheckOptions } from './health-checks';
import { HealthController } from './health.controller';

/**
 * `/health/live` and `/health/ready`. Indicators register themselves on the global HealthChecks
 * (`health.register(this)` in their constructor), wherever their module is.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthCheckOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [{ provide: HealthChecks, useValue: new HealthChecks(options) }],
      exports: [HealthChecks],
    };
  }
}
