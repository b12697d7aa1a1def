import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { INGRESS_CONFIG, type IngressConfig } from '../config/ingress.config';
import { INGRESS_LOGGER } from '../ingress.tokens';
import { HookPublisherService } from '../publisher/hook-publisher.service';

export interface KafkaState {
  broker: boolean;
  producer: boolean;
}

/**
 * Kafka's state for readiness probes, refreshed in the background every
 * INGRESS_READY_CHECK_INTERVAL_MS over one long-lived admin connection. A probe only reads it:
 * probes are cheap and side-effect free however often the orchestrator (or anyone) calls them.
 */
@Injectable()
export class KafkaReadiness implements OnApplicationBootstrap, OnApplicationShutdown {
  private current: KafkaState = { broker: false, producer: false };
  private readonly admin: Admin;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(INGRESS_CONFIG) private readonly config: IngressConfig,
    @Inject(INGRESS_LOGGER) private readonly logger: Logger,
    private readonly publisher: HookPublisherService,
  ) {
    // No retries: one failed check is an answer, the next interval asks again.
    this.admin = publisher.kafka.admin({ retry: { retries: 0 } });
  }

  get state(): KafkaState {
    return this.current;
  }

  onApplicationBootstrap(): void {
    void this.refresh();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.admin.disconnect();
  }

  private async refresh(): Promise<void> {
    const broker = await this.brokerAnswers();
    if (broker && !this.publisher.producerHealthy && !this.stopped) {
      await this.publisher
        .reconnect()
        .catch((error: unknown) =>
          this.logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'Kafka producer reconnect failed; retrying at the next readiness check',
          ),
        );
    }
    const next = { broker, producer: this.publisher.ready };
    if (next.broker !== this.current.broker || next.producer !== this.current.producer) {
      this.logger.info(next, 'Kafka readiness changed');
    }
    this.current = next;
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.refresh(), this.config.readyCheckIntervalMs);
    }
  }

  private async brokerAnswers(): Promise<boolean> {
    try {
      await this.admin.connect();
      await this.admin.describeCluster();
      return true;
    } catch {
      // A down broker is the expected answer here; the state change above is logged.
      return false;
    }
  }
}
