import { Module } from '@nestjs/common';
import { OutboxRelayService } from './outbox-relay.service';

/** Publishing of queued and scheduled actions. */
@Module({ providers: [OutboxRelayService] })
export class OutboxModule {}
