import { Module } from '@nestjs/common';
import { ChainCheckpoints } from './chain-checkpoints';

/** Chain heads outside the database: written after each stored batch, read by verify. */
@Module({
  providers: [ChainCheckpoints],
  exports: [ChainCheckpoints],
})
export class CheckpointsModule {}
