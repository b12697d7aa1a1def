import { Module } from '@nestjs/common';
import { AuditIngestionService } from './audit-ingestion.service';

/** Kafka → audit table. */
@Module({
  providers: [AuditIngestionService],
  exports: [AuditIngestionService],
})
export class IngestionModule {}
