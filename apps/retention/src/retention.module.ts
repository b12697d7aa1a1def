import { BillwerkApiClient } from '@app/billwerk-api';
import { DatabaseHealth, HealthChecks, PlatformModule } from '@app/platform';
import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { RETENTION_CONFIG, type RetentionConfig } from './config/retention.config';
import type { BillwerkGateway } from './domain/billwerk-gateway';
import { ConsumerHealth } from './health/consumer-health';
import { IntakeModule } from './intake/intake.module';
import { RetentionKafkaService } from './kafka/retention-kafka.service';
import { RetentionMetrics } from './metrics/retention-metrics';
import { OutboxModule } from './outbox/outbox.module';
import { RetentionStore } from './persistence/retention-store';
import { RetentionCaseModule } from './retention-case/retention-case.module';
import { retentionCaseProblem } from './retention-case/retention-case.problems';
import { BILLWERK_GATEWAY, RETENTION_LOGGER } from './retention.tokens';
import { HookReadCache } from './intake/hook-read-cache';
import { CaseCloser } from './workflow/case-closer';
import { WorkflowEngine } from './workflow/workflow-engine';

/** The store figures behind the win-back rate and backlog gauges. */
function storeFigures(store: RetentionStore, metrics: RetentionMetrics): void {
  metrics.store = {
    winBackRate: () => store.cases.winBackRate(),
    pendingHooks: () => store.parkedHooks.count(),
    dueActions: () => store.outbox.dueCount(new Date().toISOString()),
  };
}

/** Shared by the capability modules: config, logger, store, billwerk, Kafka, engine, metrics. */
@Global()
@Module({})
class RetentionCoreModule implements OnApplicationShutdown {
  constructor(
    private readonly store: RetentionStore,
    private readonly kafka: RetentionKafkaService,
    health: HealthChecks,
  ) {
    health.register(new DatabaseHealth(store));
  }

  static forRoot(
    config: RetentionConfig,
    logger: Logger,
    store: RetentionStore,
    metrics: RetentionMetrics,
  ): DynamicModule {
    storeFigures(store, metrics);
    const billwerk: BillwerkGateway = new BillwerkApiClient({
      baseUrl: config.billwerk.baseUrl,
      clientId: config.billwerk.clientId,
      clientSecret: config.billwerk.clientSecret,
      timeoutMs: config.billwerk.timeoutMs,
      retry: { maxRetries: config.billwerk.maxRetries },
      observer: metrics,
    });
    const reads = new HookReadCache(billwerk);
    const engine = new WorkflowEngine(
      store,
      reads,
      {
        rules: config.offerRules,
        reminderDaysBeforeEnd: config.reminderDaysBeforeEnd,
        stalePaymentHookMs: config.stalePaymentHookMs,
      },
      metrics,
      undefined,
      logger,
    );
    const providers = [
      { provide: RETENTION_CONFIG, useValue: config },
      { provide: RETENTION_LOGGER, useValue: logger },
      { provide: RetentionStore, useValue: store },
      { provide: BILLWERK_GATEWAY, useValue: billwerk },
      { provide: RetentionMetrics, useValue: metrics },
      { provide: WorkflowEngine, useValue: engine },
      { provide: CaseCloser, useValue: new CaseCloser(store, metrics) },
      { provide: HookReadCache, useValue: reads },
      RetentionKafkaService,
    ];
    return {
      module: RetentionCoreModule,
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }

  // Runs after every capability stopped in beforeApplicationShutdown: nothing uses these now.
  async onApplicationShutdown(): Promise<void> {
    await this.kafka.close();
    await this.store.close();
  }
}

/** The retention app, built from a config validated and a store opened before Nest starts. */
@Module({})
export class RetentionModule {
  static forRoot(config: RetentionConfig, logger: Logger, store: RetentionStore): DynamicModule {
    const metrics = new RetentionMetrics();
    return {
      module: RetentionModule,
      imports: [
        PlatformModule.forRoot({
          logger,
          problems: retentionCaseProblem,
          metrics,
          auth: { tokens: config.apiTokens, realm: 'retention' },
        }),
        RetentionCoreModule.forRoot(config, logger, store, metrics),
        IntakeModule,
        OutboxModule,
        RetentionCaseModule,
      ],
      providers: [ConsumerHealth],
    };
  }
}
