import { PlatformModule } from '@app/platform';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { INGRESS_CONFIG, type IngressConfig } from './config/ingress.config';
import { INGRESS_LOGGER } from './ingress.tokens';
import { IngressMetrics } from './metrics/ingress-metrics';
import { HookPublisherService } from './publisher/hook-publisher.service';
import { ErrorAnswers, hookProblem } from './webhook/error-answer';
import { HookAuthenticator } from './webhook/hook-authenticator';
import { HookEndpoint } from './webhook/hook-endpoint';
import { WebhookService } from './webhook/webhook.service';

/** The ingress app, built from a config validated before Nest starts. */
@Module({})
export class IngressModule {
  static forRoot(config: IngressConfig, logger: Logger): DynamicModule {
    const metrics = new IngressMetrics(config.limits.unrecognizedEventLabels);
    return {
      module: IngressModule,
      imports: [
        PlatformModule.forRoot({
          logger,
          problems: hookProblem,
          metrics,
          // A probe reads what Kafka said at most once per INGRESS_READY_CHECK_INTERVAL_MS.
          health: { cacheMs: config.readyCheckIntervalMs },
        }),
      ],
      providers: [
        { provide: INGRESS_CONFIG, useValue: config },
        { provide: INGRESS_LOGGER, useValue: logger },
        { provide: IngressMetrics, useValue: metrics },
        {
          provide: HookAuthenticator,
          useValue: new HookAuthenticator(config.auth.basic, config.auth.pathTokens),
        },
        HookPublisherService,
        ErrorAnswers,
        HookEndpoint,
        WebhookService,
      ],
    };
  }
}
