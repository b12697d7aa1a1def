import { failSpan, startSpan, traceparentOf, tracingEnabled } from '@app/observability';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BillwerkRateLimitedError, BillwerkUnavailableError } from './billwerk-api.errors';
import type { BillwerkApiObserver, BillwerkAttempt, RetryOptions } from './billwerk-api.options';
import { backoffDelay, parseRetryAfter } from './retry-policy';

export interface HttpCall {
  operation: string;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /**
   * A GET may be repeated after any failure. A write is repeated only where billwerk cannot have
   * processed it (429, 503, connection refused): a timeout could mean it was applied already.
   */
  idempotent: boolean;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface TransportSettings {
  timeoutMs: number;
  retry: RetryOptions;
  observer?: BillwerkApiObserver;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
}

type Outcome =
  | { kind: 'answer'; answer: HttpAnswer }
  | { kind: 'failure'; outcome: 'timeout' | 'network_error'; error: unknown };

/** Sends one call with timeouts and retries; any answer that is not retried is returned as is. */
export class RetryingTransport {
  constructor(private readonly settings: TransportSettings) {}

  async send(call: HttpCall): Promise<HttpAnswer> {
    const { retry } = this.settings;
    for (let attempt = 1; ; attempt++) {
      const started = this.settings.now();
      const result = await this.attempt(call, attempt - 1);
      const durationMs = this.settings.now() - started;
      const retryable = this.retryable(call, result);
      const retryAfterMs =
        result.kind === 'answer'
          ? parseRetryAfter(result.answer.headers.get('retry-after'), this.settings.now())
          : undefined;
      const waitTooLong = retryAfterMs !== undefined && retryAfterMs > retry.maxDelayMs;
      const retrying = retryable && attempt <= retry.maxRetries && !waitTooLong;
      this.report({
        operation: call.operation,
        method: call.method,
        attempt,
        status: result.kind === 'answer' ? result.answer.status : undefined,
        outcome:
          result.kind === 'failure'
            ? result.outcome
            : result.answer.status < 400
              ? 'ok'
              : 'http_error',
        durationMs,
        retrying,
      });
      if (retrying) {
        await this.settings.sleep(
          retryAfterMs ?? backoffDelay(attempt - 1, retry, this.settings.random),
        );
        continue;
      }
      if (result.kind === 'answer' && !retryable) return result.answer;
      throw this.exhausted(call, result, attempt, retryAfterMs);
    }
  }

  /**
   * With tracing on, each attempt is a CLIENT span (`<METHOD> <operation>`, as HTTP conventions
   * have one span per request sent) and the request carries its `traceparent`.
   */
  private async attempt(call: HttpCall, resendCount: number): Promise<Outcome> {
    if (!tracingEnabled()) return this.request(call, call.headers);
    const url = new URL(call.url);
    const span = startSpan(`${call.method} ${call.operation}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': call.method,
        'server.address': url.hostname,
        'url.full': `${url.origin}${url.pathname}`,
        'billwerk.operation': call.operation,
        ...(resendCount > 0 ? { 'http.request.resend_count': resendCount } : {}),
      },
    });
    const outcome = await this.request(call, {
      ...call.headers,
      traceparent: traceparentOf(span.spanContext()),
    });
    if (outcome.kind === 'answer') {
      span.setAttribute('http.response.status_code', outcome.answer.status);
      if (outcome.answer.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    } else {
      failSpan(span, outcome.error);
    }
    span.end();
    return outcome;
  }

  private async request(call: HttpCall, headers: Record<string, string>): Promise<Outcome> {
    try {
      const response = await this.settings.fetch(call.url, {
        method: call.method,
        headers,
        body: call.body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      // The timeout covers the body too: a server that stalls mid-body is as down as a silent one.
      const text = await response.text();
      return {
        kind: 'answer',
        answer: { status: response.status, headers: response.headers, text },
      };
    } catch (error) {
      const timedOut = errorLike(error)?.name === 'TimeoutError';
      return { kind: 'failure', outcome: timedOut ? 'timeout' : 'network_error', error };
    }
  }

  private retryable(call: HttpCall, result: Outcome): boolean {
    if (result.kind === 'failure') {
      return (
        call.idempotent || (result.outcome === 'network_error' && connectionRefused(result.error))
      );
    }
    const { status } = result.answer;
    if (status === 429 || status === 503) return true;
    return status >= 500 && call.idempotent;
  }

  private exhausted(
    call: HttpCall,
    result: Outcome,
    attempts: number,
    retryAfterMs: number | undefined,
  ): Error {
    const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
    if (result.kind === 'failure') {
      const reason =
        result.outcome === 'timeout'
          ? `no answer within ${this.settings.timeoutMs} ms`
          : describe(result.error);
      return new BillwerkUnavailableError(call.operation, `${reason} ${tries}`, undefined, {
        cause: result.error,
      });
    }
    const { status } = result.answer;
    const waited =
      retryAfterMs !== undefined && retryAfterMs > this.settings.retry.maxDelayMs
        ? ` (Retry-After ${Math.ceil(retryAfterMs / 1000)} s exceeds the ${this.settings.retry.maxDelayMs} ms the client waits)`
        : '';
    if (status === 429) {
      return new BillwerkRateLimitedError(
        call.operation,
        `rate limited ${tries}${waited}`,
        retryAfterMs,
      );
    }
    return new BillwerkUnavailableError(call.operation, `HTTP ${status} ${tries}${waited}`, status);
  }

  private report(attempt: BillwerkAttempt): void {
    this.settings.observer?.attemptFinished(attempt);
  }
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: ErrorLike;
}

// fetch's errors may come from another realm (e.g. under Jest): `instanceof Error` cannot be trusted.
function errorLike(error: unknown): ErrorLike | undefined {
  return typeof error === 'object' && error !== null ? error : undefined;
}

function connectionRefused(error: unknown): boolean {
  return errorLike(error)?.cause?.code === 'ECONNREFUSED';
}

function describe(error: unknown): string {
  const like = errorLike(error);
  const message = typeof like?.message === 'string' ? like.message : String(error);
  const code = like?.cause?.code;
  return typeof code === 'string' ? `${message} (${code})` : message;
}
