import {
  cloudEventHeaders,
  hookKey,
  isKnownEvent,
  serializeHookEnvelope,
  topicForEvent,
  validateHook,
  EVENT_TYPE_PREFIX,
  SOURCE_PREFIX,
} from '@app/contracts';
import { PublishError } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { INGRESS_LOGGER } from '../ingress.tokens';
import { IngressMetrics } from '../metrics/ingress-metrics';
import { HookPublisherService } from '../publisher/hook-publisher.service';
import { InvalidHookError } from './hook-errors';

export interface ReceivedHook {
  source: string;
  body: unknown;
  rawBody: string;
  retryCount: number;
  traceparent: string;
  requestId: string;
}

export interface AcceptedHook {
  id: string;
  topic: string;
  event: string;
}

/** Turns one authenticated hook into one acknowledged CloudEvent on its topic. */
@Injectable()
export class WebhookService {
  constructor(
    private readonly publisher: HookPublisherService,
    private readonly metrics: IngressMetrics,
    @Inject(INGRESS_LOGGER) private readonly logger: Logger,
  ) {}

  async accept(hook: ReceivedHook): Promise<AcceptedHook> {
    const validation = validateHook(hook.body);
    if (!validation.valid) {
      throw new InvalidHookError(validation.problems);
    }
    const { event, body } = validation;
    const known = isKnownEvent(event);
    const eventLabel = known ? event : 'unrecognized';
    const topic = topicForEvent(event);
    const id = randomUUID();
    const subject = hookKey(body, id);
    const value = serializeHookEnvelope({
      id,
      sourceName: hook.source,
      event,
      subject,
      receivedAt: new Date(),
      retryCount: hook.retryCount,
      rawData: hook.rawBody,
    });
    const headers = cloudEventHeaders(
      { id, type: EVENT_TYPE_PREFIX + event, source: SOURCE_PREFIX + hook.source },
      hook.traceparent,
    );
    this.metrics.retryCount.observe({ source: hook.source }, hook.retryCount);

    const endTimer = this.metrics.publishLatency.startTimer();
    try {
      await this.publisher.publish(topic, { key: subject, value, headers });
    } catch (error) {
      endTimer({ outcome: 'failed' });
      this.metrics.hooks.inc({ event: eventLabel, source: hook.source, outcome: 'unavailable' });
      if (error instanceof PublishError) {
        this.logger.warn(
          { requestId: hook.requestId, event, topic, code: error.code, err: error.message },
          'hook not acknowledged by Kafka; answering 503 so billwerk retries',
        );
      }
      throw error;
    }
    endTimer({ outcome: 'ok' });
    this.metrics.hooks.inc({ event: eventLabel, source: hook.source, outcome: 'accepted' });
    if (!known) this.metrics.countUnrecognized(event);
    this.logger.info(
      {
        requestId: hook.requestId,
        eventId: id,
        event,
        source: hook.source,
        topic,
        key: subject,
        retryCount: hook.retryCount,
      },
      'hook accepted',
    );
    return { id, topic, event };
  }
}
