import { Module } from '@nestjs/common';
import { BearerTokenGuard } from './bearer-token.guard';
import { BillwerkApiController } from './billwerk-api.controller';
import { BillwerkApiService } from './billwerk-api.service';

@Module({
  controllers: [BillwerkApiController],
  providers: [BillwerkApiService, BearerTokenGuard],
})
export class BillwerkApiModule {}
