import { Module } from '@nestjs/common';
import { ChainCheckpoints } from '../checkpoints/chain-checkpoints';
import { CheckpointsModule } from '../checkpoints/checkpoints.module';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import { AuditMetrics } from '../metrics/audit-metrics';
import { AuditLogController } from './audit-log.controller';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';
import { ChainVerifier } from './chain-verifier';
import { ScheduledVerify } from './scheduled-verify';

/** The query API over the audit table, and verify (on request and scheduled). */
@Module({
  imports: [CheckpointsModule],
  controllers: [AuditLogController],
  providers: [
    AuditLogService,
    ScheduledVerify,
    {
      provide: ChainVerifier,
      useFactory: (
        repository: AuditLogRepository,
        config: AuditConfig,
        checkpoints: ChainCheckpoints,
        metrics: AuditMetrics,
      ) => new ChainVerifier(repository, config.chain.keys, checkpoints, metrics),
      inject: [AuditLogRepository, AUDIT_CONFIG, ChainCheckpoints, AuditMetrics],
    },
  ],
})
export class AuditLogModule {}
