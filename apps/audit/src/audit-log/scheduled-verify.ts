import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { BackgroundLoop } from '@app/platform';
import type { Logger } from 'pino';
import { AUDIT_LOGGER } from '../audit.tokens';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit.config';
import { ChainVerifier } from './chain-verifier';

/**
 * Verifies the chains every AUDIT_VERIFY_INTERVAL_MS (incrementally, like `GET /audit/verify`),
 * so a broken chain shows in the metrics and alerts without anyone asking. The first run reads
 * every row, later ones only the new rows; runs queue behind requested verifies, never overlap.
 */
@Injectable()
export class ScheduledVerify implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: BackgroundLoop | undefined;

  constructor(
    @Inject(AUDIT_CONFIG) config: AuditConfig,
    @Inject(AUDIT_LOGGER) private readonly logger: Logger,
    private readonly verifier: ChainVerifier,
  ) {
    const interval = config.chain.verifyIntervalMs;
    if (interval > 0)
      this.loop = new BackgroundLoop('chain-verify', interval, () => this.run(), logger);
  }

  onApplicationBootstrap(): void {
    this.loop?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop?.stop();
  }

  private async run(): Promise<void> {
    const report = await this.verifier.verify({ full: false });
    if (report.ok) return;
    this.logger.error(
      {
        checkpoints: report.checkpoints,
        partitions: report.partitions
          .filter((partition) => !partition.ok)
          .map(({ topic, partition, brokenLinks, firstBrokenLink, checkpoint }) => ({
            topic,
            partition,
            brokenLinks,
            firstBrokenLink,
            checkpoint: checkpoint?.state ?? null,
          })),
      },
      'scheduled chain verify did not pass: see GET /audit/verify and docs/alerts.md',
    );
  }
}
