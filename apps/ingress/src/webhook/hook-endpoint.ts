import {
  activeTraceparent,
  contextOf,
  failSpan,
  startSpan,
  tracingEnabled,
} from '@app/observability';
import { PROBLEM_CONTENT_TYPE } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { INGRESS_CONFIG, type IngressConfig } from '../config/ingress.config';
import { IngressMetrics } from '../metrics/ingress-metrics';
import { ErrorAnswers } from './error-answer';
import { HookAuthenticator } from './hook-authenticator';
import { MethodNotAllowedError, RequestAbortedError, UnauthorizedHookError } from './hook-errors';
import { parseHookJson } from './hook-json';
import { givenRequestId } from './hook-limits';
import { readBody, requireJsonContentType, type HookPath } from './hook-request';
import { parseRetryCount } from './retry-count';
import { childTraceparent } from './trace-context';
import { WebhookService } from './webhook.service';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Answers given before the body is read (method, credentials, media type, size, deadline). */
const EARLY_REJECTIONS = new Set([401, 405, 408, 413, 415]);

/** Every error of the hook path has a stable `code`; anything else is a bug, counted as one. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'INTERNAL';
}

function firstValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}

/**
 * `POST /billwerk-hook` (HTTP Basic) and `POST /billwerk-hook/<token>`: the URL registered in
 * billwerk. 202 means Kafka acknowledged the event; anything else makes billwerk retry.
 *
 * Served on node:http directly, ahead of Nest's router, because this is the one hot path:
 * measured with `npm run bench:ingress`, Nest's routing, guards and Fastify's body parsing
 * cost half the throughput. The checks run cheapest first and before the body is read:
 * method (405), credentials (401), media type (415), size (413), then JSON and the hook (400).
 */
@Injectable()
export class HookEndpoint {
  private closing = false;

  constructor(
    @Inject(INGRESS_CONFIG) private readonly config: IngressConfig,
    private readonly authenticator: HookAuthenticator,
    private readonly webhooks: WebhookService,
    private readonly answers: ErrorAnswers,
    private readonly metrics: IngressMetrics,
  ) {}

  /** From now on every answer closes its connection, so keep-alive clients reconnect elsewhere. */
  beginShutdown(): void {
    this.closing = true;
  }

  async handle(request: IncomingMessage, response: ServerResponse, path: HookPath): Promise<void> {
    if (!tracingEnabled()) return this.respond(request, response, path);
    // The SERVER span of the hook's request, child of the caller's traceparent when it sent one.
    // The URL is left out: a path token is a credential.
    const span = startSpan('POST /billwerk-hook', {
      kind: SpanKind.SERVER,
      parent: contextOf(firstValue(request.headers.traceparent)),
      attributes: {
        'http.request.method': request.method ?? '?',
        'http.route': '/billwerk-hook',
        'url.scheme': 'http',
      },
    });
    try {
      await context.with(trace.setSpan(context.active(), span), () =>
        this.respond(request, response, path),
      );
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  private async respond(
    request: IncomingMessage,
    response: ServerResponse,
    path: HookPath,
  ): Promise<void> {
    const requestId = givenRequestId(request.headers['x-request-id']) ?? randomUUID();
    try {
      if (request.method !== 'POST') throw new MethodNotAllowedError(request.method ?? '?');
      const source = this.authenticator.authenticate({
        authorization: request.headers.authorization,
        pathToken: path.token,
      });
      if (source === undefined) throw new UnauthorizedHookError();
      requireJsonContentType(request.headers['content-type']);
      const rawBody = await readBody(request, this.config.limits.bodyTimeoutMs);
      const body = parseHookJson(rawBody);
      const accepted = await this.webhooks.accept({
        source,
        body,
        rawBody,
        retryCount: parseRetryCount(request.headers['x-retry-count']),
        // Traced: the event's parent is our request span; untraced, a span id of our own.
        traceparent:
          activeTraceparent() ?? childTraceparent(firstValue(request.headers.traceparent)),
        requestId,
      });
      this.send(response, requestId, 202, JSON_CONTENT_TYPE, { id: accepted.id }, {});
    } catch (error) {
      if (error instanceof RequestAbortedError) return;
      const { status, body, headers } = this.answers.answer(error, {
        requestId,
        method: request.method,
        route: '/billwerk-hook',
      });
      this.metrics.rejections.inc({ status: String(status), reason: errorCode(error) });
      // Rejected before the body was read: say so, the server then ends the connection.
      const close = EARLY_REJECTIONS.has(status) || !request.complete;
      this.send(
        response,
        requestId,
        status,
        PROBLEM_CONTENT_TYPE,
        body,
        close ? { ...headers, connection: 'close' } : headers,
      );
    }
  }

  private send(
    response: ServerResponse,
    requestId: string,
    status: number,
    contentType: string,
    payload: object,
    headers: Record<string, string>,
  ): void {
    const text = JSON.stringify(payload);
    response.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(text),
      'x-request-id': requestId,
      ...(this.closing ? { connection: 'close' } : {}),
      ...headers,
    });
    response.end(text);
  }
}
