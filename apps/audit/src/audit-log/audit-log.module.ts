import { Module } from '@nestjs/common';
import { ApiTokenGuard } from '../auth/api-token.guard';
import { AuditLogController } from './audit-log.controller';
import { AuditLogService } from './audit-log.service';

/** The query API over the audit table. */
@Module({
  controllers: [AuditLogController],
  providers: [AuditLogService, ApiTokenGuard],
})
export class AuditLogModule {}
