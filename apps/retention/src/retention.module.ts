import { BillwerkApiClient } from '@app/billwerk-api';
import { DatabaseHealth, HealthChecks, PlatformModule } from '@app/platform';
import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { RETENTION_CONFIG, type RetentionConfig } from './config/retention.config';
import type { BillwerkGateway } from './domain/billwerk-gateway';
import { ConsumerHealth } from './health/consumer-health';
import { IntakeModule } from './intake/intake.module';
import { RetentionKafkaService } from './kafka/retention-kafka.service';
import { RetentionMetrics } from './metrics/retention-metrics';
import { OutboxModule } from './outbox/outbox.module';
import { OutboxEntity } from './outbox/outbox.entity';
import { PendingHookEntity } from './intake/pending-hook.entity';
import { RetentionCaseEntity } from './retention-case/retention-case.entity';
import { RetentionCaseModule } from './retention-case/retention-case.module';
import { retentionCaseProblem } from './retention-case/retention-case.problems';
import { BILLWERK_GATEWAY, RETENTION_LOGGER } from './retention.tokens';
import { HookReadCache } from './intake/hook-read-cache';
import { WorkflowEngine } from './workflow/workflow-engine';

/** The store figures behind the win-back rate and backlog gauges. */
function storeFigures(dataSource: DataSource, metrics: RetentionMetrics): void {
  metrics.store = {
    winBackRate: async () => {
      const rows = await dataSource.manager
        .createQueryBuilder(RetentionCaseEntity, 'c')
        .select('c.outcome', 'outcome')
        .addSelect('COUNT(*)', 'count')
        .where('c.kind = :kind AND c.outcome IN (:...outcomes)', {
          kind: 'win-back',
          outcomes: ['won', 'lost', 'offer-applied'],
        })
        .groupBy('c.outcome')
        .getRawMany<{ outcome: string; count: string | number }>();
      const total = rows.reduce((sum, row) => sum + Number(row.count), 0);
      const kept = rows
        .filter((row) => row.outcome !== 'lost')
        .reduce((sum, row) => sum + Number(row.count), 0);
      return total === 0 ? 0 : kept / total;
    },
    pendingHooks: () => dataSource.manager.count(PendingHookEntity),
    dueActions: () =>
      dataSource.manager
        .createQueryBuilder(OutboxEntity, 'o')
        .where('o.status = :pending AND o.dueAt <= :now', {
          pending: 'pending',
          now: new Date().toISOString(),
        })
        .getCount(),
  };
}

/** Shared by the capability modules: config, logger, store, billwerk, Kafka, engine, metrics. */
@Global()
@Module({})
class RetentionCoreModule implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: RetentionKafkaService,
    health: HealthChecks,
  ) {
    health.register(new DatabaseHealth(dataSource));
  }

  static forRoot(
    config: RetentionConfig,
    logger: Logger,
    dataSource: DataSource,
    metrics: RetentionMetrics,
  ): DynamicModule {
    storeFigures(dataSource, metrics);
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
      dataSource,
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
      { provide: DataSource, useValue: dataSource },
      { provide: BILLWERK_GATEWAY, useValue: billwerk },
      { provide: RetentionMetrics, useValue: metrics },
      { provide: WorkflowEngine, useValue: engine },
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
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** The retention app, built from a config validated and a store opened before Nest starts. */
@Module({})
export class RetentionModule {
  static forRoot(config: RetentionConfig, logger: Logger, dataSource: DataSource): DynamicModule {
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
        RetentionCoreModule.forRoot(config, logger, dataSource, metrics),
        IntakeModule,
        OutboxModule,
        RetentionCaseModule,
      ],
      providers: [ConsumerHealth],
    };
  }
}
