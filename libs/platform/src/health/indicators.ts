import type { Admin, Kafka } from 'kafkajs';
import type { HealthIndicator, HealthReport } from './health-checks';

/** The database answers its store's ping (`SELECT 1`). */
export class DatabaseHealth implements HealthIndicator {
  readonly name = 'the database';

  constructor(private readonly store: { ping(): Promise<void> }) {}

  async check(): Promise<HealthReport> {
    const up = await this.store.ping().then(
      () => true,
      () => false,
    );
    return { up, checks: { database: up ? 'up' : 'unreachable' } };
  }
}

/**
 * Whether the cluster answers a metadata request, over one long-lived admin connection: probing
 * opens no connection per check (a probe may come every second from every orchestrator node).
 */
export class BrokerProbe {
  private readonly admin: Admin;

  constructor(kafka: Kafka) {
    // No retries: one failed check is an answer, the next probe asks again.
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  async reachable(): Promise<boolean> {
    try {
      await this.admin.connect();
      await this.admin.describeCluster();
      return true;
    } catch {
      // A down broker is the expected answer here; readiness says so.
      return false;
    }
  }

  /** The broker's state beside the app's own part (its producer, its consumer): up when both are. */
  async report(part: { name: string; state: string; up: boolean }): Promise<HealthReport> {
    const broker = await this.reachable();
    return {
      up: broker && part.up,
      checks: { broker: broker ? 'up' : 'unreachable', [part.name]: part.state },
    };
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }
}
