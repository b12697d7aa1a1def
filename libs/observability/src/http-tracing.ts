import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { contextOf, startSpan, tracingEnabled } from './tracing';

/** Probes and scrapes every few seconds: a trace each would bury the requests that matter. */
const UNTRACED = /^\/(health|metrics|docs)(\/|$|\?|-)/;

function firstValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}

/**
 * With tracing on, a SERVER span `<METHOD> <route>` per request to a Nest app on Fastify (not
 * health, metrics or docs), child of the caller's `traceparent`, active while the handler runs:
 * begun on arrival, made current once the body is read (Fastify then calls the handler within
 * that hook's callback), ended with the answer. Call before the app listens.
 */
export function traceHttpRequests(fastify: FastifyInstance): void {
  if (!tracingEnabled()) return;
  const spans = new WeakMap<FastifyRequest, Span>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (!UNTRACED.test(request.url)) {
      const route = request.routeOptions.url ?? 'unmatched';
      spans.set(
        request,
        startSpan(`${request.method} ${route}`, {
          kind: SpanKind.SERVER,
          parent: contextOf(firstValue(request.headers.traceparent)),
          attributes: { 'http.request.method': request.method, 'http.route': route },
        }),
      );
    }
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    const span = spans.get(request);
    if (span === undefined) done();
    else context.with(trace.setSpan(context.active(), span), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span !== undefined) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    spans.get(request)?.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted' });
    spans.get(request)?.end();
    done();
  });
}
