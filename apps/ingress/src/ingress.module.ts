import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { INGRESS_CONFIG, type IngressConfig } from './config/ingress.config';
import { HealthController } from './health/health.controller';
import { KafkaReadiness } from './health/kafka-readiness';
import { INGRESS_LOGGER } from './ingress.tokens';
import { IngressMetrics } from './metrics/ingress-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { HookPublisherService } from './publisher/hook-publisher.service';
import { ErrorAnswers } from './webhook/error-answer';
import { HookAuthenticator } from './webhook/hook-authenticator';
import { WebhookExceptionFilter } from './webhook/webhook-exception.filter';
import { HookEndpoint } from './webhook/hook-endpoint';
import { WebhookService } from './webhook/webhook.service';

/** The ingress app, built from a config validated before Nest starts. */
@Module({})
export class IngressModule {
  static forRoot(config: IngressConfig, logger: Logger): DynamicModule {
    return {
      module: IngressModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: INGRESS_CONFIG, useValue: config },
        { provide: INGRESS_LOGGER, useValue: logger },
        {
          provide: HookAuthenticator,
          useValue: new HookAuthenticator(config.auth.basic, config.auth.pathTokens),
        },
        { provide: APP_FILTER, useClass: WebhookExceptionFilter },
        IngressMetrics,
        HookPublisherService,
        KafkaReadiness,
        ErrorAnswers,
        HookEndpoint,
        WebhookService,
      ],
    };
  }
}
