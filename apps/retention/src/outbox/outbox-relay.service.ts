import { BackgroundLoop } from '@app/platform';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { RETENTION_CONFIG, type RetentionConfig } from '../config/retention.config';
import { RetentionKafkaService } from '../kafka/retention-kafka.service';
import { RetentionMetrics } from '../metrics/retention-metrics';
import { RetentionStore } from '../persistence/retention-store';
import { RETENTION_LOGGER } from '../retention.tokens';
import { CaseCloser } from '../workflow/case-closer';
import { OutboxRelay } from './outbox-relay';

/**
 * The scheduler: publishes due actions (immediate and scheduled) and closes win-back cases whose
 * EndDate has passed. Safe to run in every instance.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly relay: OutboxRelay;
  private readonly loop: BackgroundLoop;

  constructor(
    @Inject(RETENTION_CONFIG) config: RetentionConfig,
    @Inject(RETENTION_LOGGER) private readonly logger: Logger,
    store: RetentionStore,
    kafka: RetentionKafkaService,
    private readonly closer: CaseCloser,
    metrics: RetentionMetrics,
  ) {
    this.relay = new OutboxRelay(
      store,
      (batches) => kafka.send(batches),
      (ids, since) => kafka.publishedActionIds(ids, since),
      {
        published: (action) => metrics.actionsPublished.inc({ action }),
        foundPublished: (ids) => {
          metrics.actionsFoundPublished.inc(ids.length);
          logger.warn(
            { actions: ids.length, ids: ids.slice(0, 20) },
            'in-doubt actions were already on the actions topic (a relay died after sending): marked published, not sent again',
          );
        },
      },
    );
    this.loop = new BackgroundLoop('outbox', config.relayIntervalMs, () => this.tick(), logger);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private async tick(): Promise<void> {
    const lapsed = await this.closer.closeLapsedWinBacks();
    if (lapsed > 0) this.logger.info({ cases: lapsed }, 'closed win-back cases past their EndDate');
    let published: number;
    do {
      published = await this.relay.relayDue();
      if (published > 0) this.logger.debug({ actions: published }, 'published actions');
    } while (published > 0);
  }
}
