import { createKafka } from '@app/messaging';
import { DatabaseHealth, HealthChecks, PlatformModule } from '@app/platform';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuditDatabaseLifecycle } from './audit-database.lifecycle';
import { AuditLogModule } from './audit-log/audit-log.module';
import { AuditLogRepository } from './audit-log/audit-log.repository';
import { keyedLinker } from './audit-log/hash-chain';
import { AUDIT_KAFKA, AUDIT_LOGGER } from './audit.tokens';
import { AUDIT_CONFIG, type AuditConfig } from './config/audit.config';
import { auditProblem } from './http/audit-problems';
import { IngestionModule } from './ingestion/ingestion.module';
import { AuditMetrics } from './metrics/audit-metrics';

/** Config, logger, database and metrics: what every audit module shares. */
@Global()
@Module({})
class AuditCoreModule {
  constructor(health: HealthChecks, repository: AuditLogRepository) {
    health.register(new DatabaseHealth(repository));
  }

  static forRoot(
    config: AuditConfig,
    logger: Logger,
    dataSource: DataSource,
    metrics: AuditMetrics,
  ): DynamicModule {
    const shared = [
      { provide: AUDIT_CONFIG, useValue: config },
      { provide: AUDIT_LOGGER, useValue: logger },
      {
        provide: AUDIT_KAFKA,
        useValue: createKafka(
          {
            brokers: config.kafka.brokers,
            security: config.kafka.security,
            clientId: 'billwerk-audit',
          },
          logger,
        ),
      },
      { provide: DataSource, useValue: dataSource },
      {
        provide: AuditLogRepository,
        useValue: new AuditLogRepository(dataSource, keyedLinker(config.chain.keys)),
      },
      { provide: AuditMetrics, useValue: metrics },
    ];
    return {
      module: AuditCoreModule,
      providers: [...shared, AuditDatabaseLifecycle],
      exports: shared.map((provider) => ('provide' in provider ? provider.provide : provider)),
    };
  }
}

/** The audit app, built from a validated config and an open (migrated) database. */
@Module({})
export class AuditModule {
  static forRoot(config: AuditConfig, logger: Logger, dataSource: DataSource): DynamicModule {
    const metrics = new AuditMetrics();
    return {
      module: AuditModule,
      imports: [
        PlatformModule.forRoot({
          logger,
          problems: auditProblem,
          metrics,
          auth: { tokens: config.apiTokens, realm: 'audit' },
        }),
        AuditCoreModule.forRoot(config, logger, dataSource, metrics),
        AuditLogModule,
        IngestionModule,
      ],
    };
  }
}
