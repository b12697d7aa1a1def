import { randomUUID } from 'node:crypto';
import { startSpan, traceparentOf, tracingEnabled } from '@app/observability';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { WebhookTarget } from '../config/sim.config';
import type { HookBody } from '../domain/hook-body';
import type { HookSink } from '../domain/simulation';

/** billwerk counts only these as delivered; anything else (or silence) is retried. */
const DELIVERED = new Set([200, 201, 202, 204]);

/** Settled deliveries kept for inspection; older ones are forgotten so bulk runs stay bounded. */
const HISTORY_LIMIT = 50_000;

export type DeliveryStatus =
  'queued' | 'sending' | 'retrying' | 'delivered' | 'dropped' | 'not-sent';

export interface DeliveryAttempt {
  /** 0 for the first attempt, then the `X-Retry-Count` sent. */
  retryCount: number;
  startedAt: string;
  durationMs: number;
  status?: number;
  error?: string;
  /** Delay before the next attempt, when there is one. */
  nextDelayMs?: number;
}

export interface Delivery {
  id: string;
  seq: number;
  event: string;
  orderingKey: string;
  body: HookBody;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  createdAt: string;
  settledAt?: string;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  event?: string;
  orderingKey?: string;
  /** Deliveries whose body names this id in any field. */
  id?: string;
}

export interface HookSenderSettings {
  target?: WebhookTarget;
  timeoutMs: number;
  retryBaseMs: number;
  maxRetries: number;
  concurrency: number;
}

const SETTLED: readonly DeliveryStatus[] = ['delivered', 'dropped', 'not-sent'];

/**
 * Delivers hooks the way billwerk does: JSON POST, success only on 200/201/202/204, a timeout per
 * attempt, `X-Retry-Count: n` on the n-th retry after a doubling delay, dropped after the last
 * retry. One ordering key (a contract) is delivered strictly in order: its next hook waits until
 * the previous one is delivered or dropped.
 */
export class HookSender implements HookSink {
  private readonly deliveries = new Map<string, Delivery>();
  private readonly queues = new Map<string, Delivery[]>();
  private readonly waiters = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly slotWaiters: Array<() => void> = [];
  private inFlight = 0;
  private seq = 0;
  private closed = false;

  constructor(
    private readonly settings: HookSenderSettings,
    private readonly logger: Logger,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {}

  enqueue(orderingKey: string, body: HookBody): Delivery {
    const delivery: Delivery = {
      id: randomUUID(),
      seq: ++this.seq,
      event: body.Event,
      orderingKey,
      body,
      status: this.settings.target ? 'queued' : 'not-sent',
      attempts: [],
      createdAt: new Date().toISOString(),
    };
    this.deliveries.set(delivery.id, delivery);
    if (!this.settings.target) {
      delivery.settledAt = delivery.createdAt;
      this.logger.debug(
        { deliveryId: delivery.id, event: delivery.event },
        'no SIM_WEBHOOK_URL: hook recorded, not sent',
      );
      this.settled();
      return delivery;
    }
    const queue = this.queues.get(orderingKey);
    if (queue) {
      queue.push(delivery);
    } else {
      this.queues.set(orderingKey, [delivery]);
      void this.drain(orderingKey);
    }
    return delivery;
  }

  get(id: string): Delivery | undefined {
    return this.deliveries.get(id);
  }

  list(filter: DeliveryFilter = {}): Delivery[] {
    return [...this.deliveries.values()].filter(
      (d) =>
        (filter.status === undefined || d.status === filter.status) &&
        (filter.event === undefined || d.event === filter.event) &&
        (filter.orderingKey === undefined || d.orderingKey === filter.orderingKey) &&
        (filter.id === undefined || Object.values(d.body).includes(filter.id)),
    );
  }

  /** Forgets settled deliveries; those still in progress stay. */
  clearSettled(): number {
    let removed = 0;
    for (const [id, delivery] of this.deliveries) {
      if (SETTLED.includes(delivery.status)) {
        this.deliveries.delete(id);
        removed++;
      }
    }
    return removed;
  }

  /** Resolves once every given delivery (default: every known one) is delivered, dropped or not sent. */
  async settle(ids?: readonly string[]): Promise<void> {
    const done = (): boolean =>
      (ids ?? [...this.deliveries.keys()]).every((id) => {
        const delivery = this.deliveries.get(id);
        return delivery === undefined || SETTLED.includes(delivery.status);
      });
    while (!done() && !this.closed) {
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  /** Stops retrying; deliveries in progress stay as they are. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.settled();
  }

  private async drain(orderingKey: string): Promise<void> {
    const queue = this.queues.get(orderingKey) as Delivery[];
    while (queue.length > 0 && !this.closed) {
      await this.deliver(queue[0]);
      queue.shift();
    }
    this.queues.delete(orderingKey);
  }

  private async deliver(delivery: Delivery): Promise<void> {
    for (let retry = 0; !this.closed; retry++) {
      delivery.status = 'sending';
      const attempt = await this.attempt(delivery, retry);
      delivery.attempts.push(attempt);
      if (attempt.status !== undefined && DELIVERED.has(attempt.status)) {
        this.finish(delivery, 'delivered');
        this.logger.debug(
          { deliveryId: delivery.id, event: delivery.event, retryCount: retry },
          'hook delivered',
        );
        return;
      }
      if (retry >= this.settings.maxRetries) {
        this.finish(delivery, 'dropped');
        this.logger.warn(
          {
            deliveryId: delivery.id,
            event: delivery.event,
            attempts: delivery.attempts.length,
            lastStatus: attempt.status,
            lastError: attempt.error,
          },
          'hook dropped after the last retry',
        );
        return;
      }
      attempt.nextDelayMs = this.settings.retryBaseMs * 2 ** retry;
      delivery.status = 'retrying';
      this.logger.info(
        {
          deliveryId: delivery.id,
          event: delivery.event,
          retryCount: retry,
          status: attempt.status,
          error: attempt.error,
          nextDelayMs: attempt.nextDelayMs,
        },
        'hook not accepted; will retry',
      );
      await this.sleep(attempt.nextDelayMs);
    }
  }

  /**
   * With tracing on (the simulator's, billwerk itself sends no `traceparent`), each attempt is a
   * CLIENT span whose `traceparent` the hook carries, so a simulated hook's trace starts here.
   */
  private async attempt(delivery: Delivery, retryCount: number): Promise<DeliveryAttempt> {
    if (!tracingEnabled()) return this.post(delivery, retryCount, {});
    const span = startSpan('POST billwerk-hook', {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'billwerk.event': delivery.event,
        'billwerk.retry_count': retryCount,
      },
    });
    const attempt = await this.post(delivery, retryCount, {
      traceparent: traceparentOf(span.spanContext()),
    });
    if (attempt.status !== undefined)
      span.setAttribute('http.response.status_code', attempt.status);
    if (attempt.error !== undefined || (attempt.status ?? 0) >= 400) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.error });
    }
    span.end();
    return attempt;
  }

  private async post(
    delivery: Delivery,
    retryCount: number,
    traceHeaders: Record<string, string>,
  ): Promise<DeliveryAttempt> {
    const target = this.settings.target as WebhookTarget;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...traceHeaders,
    };
    if (retryCount > 0) headers['x-retry-count'] = String(retryCount);
    if (target.basicAuth) {
      const { user, password } = target.basicAuth;
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
    await this.acquireSlot();
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    try {
      const response = await this.fetchImpl(target.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(delivery.body),
        redirect: 'follow',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      // Read the answer so the connection is reusable; billwerk ignores its content.
      await response.arrayBuffer();
      return { retryCount, startedAt, durationMs: Date.now() - started, status: response.status };
    } catch (error) {
      const like = error as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
      const reason =
        like.name === 'TimeoutError'
          ? `no answer within ${this.settings.timeoutMs} ms`
          : `${String(like.message)}${typeof like.cause?.code === 'string' ? ` (${like.cause.code})` : ''}`;
      return { retryCount, startedAt, durationMs: Date.now() - started, error: reason };
    } finally {
      this.releaseSlot();
    }
  }

  private finish(delivery: Delivery, status: DeliveryStatus): void {
    delivery.status = status;
    delivery.settledAt = new Date().toISOString();
    this.settled();
  }

  private settled(): void {
    this.forgetOldest();
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  private forgetOldest(): void {
    if (this.deliveries.size <= HISTORY_LIMIT) return;
    for (const [id, delivery] of this.deliveries) {
      if (this.deliveries.size <= HISTORY_LIMIT) return;
      if (SETTLED.includes(delivery.status)) this.deliveries.delete(id);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async acquireSlot(): Promise<void> {
    while (this.inFlight >= this.settings.concurrency) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    this.inFlight++;
  }

  private releaseSlot(): void {
    this.inFlight--;
    this.slotWaiters.shift()?.();
  }
}
