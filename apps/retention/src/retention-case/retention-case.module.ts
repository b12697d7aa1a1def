import { Module } from '@nestjs/common';
import { ApiTokenGuard } from './api-token.guard';
import { RetentionCaseController } from './retention-case.controller';
import { RetentionCaseService } from './retention-case.service';

/** The case API: queries, apply-offer and close. */
@Module({
  controllers: [RetentionCaseController],
  providers: [RetentionCaseService, ApiTokenGuard],
})
export class RetentionCaseModule {}
