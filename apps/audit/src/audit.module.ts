import { createKafka } from '@app/messaging';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuditDatabaseLifecycle } from './audit-database.lifecycle';
import { AuditLogModule } from './audit-log/audit-log.module';
import { AuditLogRepository } from './audit-log/audit-log.repository';
import { keyedLinker } from './audit-log/hash-chain';
import { AUDIT_KAFKA, AUDIT_LOGGER } from './audit.tokens';
import { ApiTokens } from './auth/api-tokens';
import { AUDIT_CONFIG, type AuditConfig } from './config/audit.config';
import { HealthController } from './health/health.controller';
import { AuditExceptionFilter } from './http/audit-exception.filter';
import { IngestionModule } from './ingestion/ingestion.module';
import { AuditMetrics } from './metrics/audit-metrics';
import { MetricsController } from './metrics/metrics.controller';

/** Config, logger, database and metrics: what every audit module shares. */
@Global()
@Module({})
class AuditCoreModule {
  static forRoot(config: AuditConfig, logger: Logger, dataSource: DataSource): DynamicModule {
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
      { provide: ApiTokens, useValue: new ApiTokens(config.apiTokens) },
      AuditMetrics,
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
    return {
      module: AuditModule,
      imports: [
        AuditCoreModule.forRoot(config, logger, dataSource),
        AuditLogModule,
        IngestionModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: APP_FILTER, useClass: AuditExceptionFilter }],
    };
  }
}
