import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { errorMessage } from '@app/messaging';
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
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Inject(AUDIT_LOGGER) private readonly logger: Logger,
    private readonly verifier: ChainVerifier,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.chain.verifyIntervalMs;
    if (interval === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.run().finally(() => (this.running = undefined));
    }, interval);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    try {
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
    } catch (error) {
      this.logger.warn({ err: errorMessage(error) }, 'scheduled chain verify failed; tried again');
    }
  }
}
