import {
  ensureTopics,
  kafkaPrincipal,
  kafkaProblem,
  type KafkaSecurity,
  type TopicSpec,
} from '@app/messaging';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaStarterOptions {
  kafka: Kafka;
  security: KafkaSecurity;
  /** Created when missing (existing topics stay as they are), before `start` runs. */
  topics: TopicSpec[];
  /** Connects producers, starts consumers; `signal` aborts once the app is stopping. */
  start: (signal: AbortSignal) => Promise<void>;
  /** Undoes a failed attempt (e.g. stops a half-started consumer) before the next one. */
  undo?: () => Promise<void>;
  logger: Logger;
  /** Logged with each failed attempt, e.g. `Kafka not usable at start; retrying`. */
  failure: string;
  /** First wait after a failure, doubling up to `maxMs` (default 500 ms → 5 s). */
  backoff?: { initialMs: number; maxMs: number };
}

/** Topics with the app's partition and replication settings. */
export function topicSpecs(
  topics: readonly string[],
  settings: { partitions: number; replicationFactor: number | undefined },
): TopicSpec[] {
  return topics.map((topic) => ({
    topic,
    numPartitions: settings.partitions,
    replicationFactor: settings.replicationFactor,
  }));
}

/**
 * Every app's way onto Kafka: create the missing topics, then `start`, retried with backoff
 * until it succeeds or the app stops. Never awaited at start-up: a broker that is down must not
 * keep the app (its health probes, its API) down; readiness says 503 until started.
 */
export class KafkaStarter {
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private attempt: Promise<void> | undefined;
  private done = false;
  private attempting = false;
  private waitMs: number;

  constructor(private readonly options: KafkaStarterOptions) {
    this.waitMs = options.backoff?.initialMs ?? 500;
  }

  get started(): boolean {
    return this.done;
  }

  begin(): void {
    this.attempt = this.run();
  }

  /**
   * No further attempt. One under way is undone (a consumer waiting to join its group stops
   * waiting) and waited for; once started, stopping what runs is the owner's job.
   */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    if (this.attempting) await this.options.undo?.().catch(() => undefined);
    await this.attempt;
  }

  private async run(): Promise<void> {
    const { kafka, security, topics, logger, start, undo } = this.options;
    const signal = this.abort.signal;
    this.attempting = true;
    try {
      const created = await ensureTopics(kafka, topics, { principal: kafkaPrincipal(security) });
      if (created.length > 0) logger.info({ topics: created }, 'created Kafka topics');
      if (signal.aborted) return;
      await start(signal);
      this.done = !signal.aborted;
    } catch (error) {
      await undo?.().catch(() => undefined);
      if (signal.aborted) return;
      logger.error(
        { err: kafkaProblem(error, security), retryInMs: this.waitMs },
        this.options.failure,
      );
      this.timer = setTimeout(() => this.begin(), this.waitMs);
      this.waitMs = Math.min(this.waitMs * 2, this.options.backoff?.maxMs ?? 5000);
    } finally {
      this.attempting = false;
    }
  }
}
