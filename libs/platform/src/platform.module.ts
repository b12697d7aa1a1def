import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module';
import type { BearerAuthOptions } from './auth/bearer-token.guard';
import { ErrorsModule } from './errors/errors.module';
import type { ProblemMapper } from './errors/problem-details';
import type { HealthCheckOptions } from './health/health-checks';
import { HealthModule } from './health/health.module';
import type { MetricsRegistry } from './metrics/metrics-registry';
import { MetricsModule } from './metrics/metrics.module';

export interface PlatformOptions {
  logger: Logger;
  /** The app's own errors as problems. */
  problems?: ProblemMapper;
  health?: HealthCheckOptions;
  /** `GET /metrics` over these; none: no /metrics. */
  metrics?: MetricsRegistry;
  /** Bearer tokens for `@UseGuards(BearerTokenGuard)`; none: no token-guarded API. */
  auth?: BearerAuthOptions;
}

/** Every app's edges in one import: errors, health, and metrics and bearer auth where it has them. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ErrorsModule.forRoot({ logger: options.logger, problems: options.problems }),
        HealthModule.forRoot(options.health),
        ...(options.metrics ? [MetricsModule.forRoot(options.metrics)] : []),
        ...(options.auth ? [AuthModule.forRoot(options.auth)] : []),
      ],
    };
  }
}
