import { Module } from '@nestjs/common';
import { RetentionCaseController } from './retention-case.controller';
import { RetentionCaseService } from './retention-case.service';

/** The case API: queries, apply-offer and close. */
@Module({
  controllers: [RetentionCaseController],
  providers: [RetentionCaseService],
})
export class RetentionCaseModule {}
