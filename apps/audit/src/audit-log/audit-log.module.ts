import { Module } from '@nestjs/common';
import { ChainCheckpoints } from '../checkpoints/chain-checkpoints';
import { CheckpointsModule } from '../checkpoints/checkpoints.module';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import { AuditLogController } from './audit-log.controller';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';
import { ChainVerifier } from './chain-verifier';

/** The query API over the audit table, and verify. */
@Module({
  imports: [CheckpointsModule],
  controllers: [AuditLogController],
  providers: [
    AuditLogService,
    {
      provide: ChainVerifier,
      useFactory: (
        repository: AuditLogRepository,
        config: AuditConfig,
        checkpoints: ChainCheckpoints,
      ) => new ChainVerifier(repository, config.chain.keys, checkpoints),
      inject: [AuditLogRepository, AUDIT_CONFIG, ChainCheckpoints],
    },
  ],
})
export class AuditLogModule {}
