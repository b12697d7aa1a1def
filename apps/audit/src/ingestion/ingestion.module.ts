import { Module } from '@nestjs/common';
import { CheckpointsModule } from '../checkpoints/checkpoints.module';
import { AuditIngestionService } from './audit-ingestion.service';

/** Kafka → audit table. */
@Module({
  imports: [CheckpointsModule],
  providers: [AuditIngestionService],
  exports: [AuditIngestionService],
})
export class IngestionModule {}
