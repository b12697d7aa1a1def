import { createServer, type Server } from 'node:http';
import { closeLocally, listenLocally } from '../support/local-http';

/** One span as OTLP/HTTP JSON carries it (ids in hex), with its resource's service name. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
  status?: { code?: number; message?: string };
}

interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface ExportRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{
      spans?: Array<Omit<ReceivedSpan, 'service' | 'attributes'> & { attributes?: KeyValue[] }>;
    }>;
  }>;
}

function attributeMap(attributes: KeyValue[] = []): Record<string, unknown> {
  return Object.fromEntries(
    attributes.map(({ key, value }) => [
      key,
      value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue,
    ]),
  );
}

/**
 * A collector's OTLP/HTTP endpoint for tests: takes `POST /v1/traces` in the JSON encoding,
 * answers 200, and keeps every span it was sent.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Requests that were not a JSON export (wrong path or content type), to fail the test on. */
  readonly refused: string[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const type = request.headers['content-type'] ?? '';
        if (request.method !== 'POST' || request.url !== '/v1/traces' || !type.includes('json')) {
          this.refused.push(`${request.method} ${request.url} ${type}`);
          response.writeHead(404).end();
          return;
        }
        this.take(JSON.parse(body) as ExportRequest);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    this.url = await listenLocally(this.server);
  }

  async stop(): Promise<void> {
    await closeLocally(this.server);
  }

  private take(request: ExportRequest): void {
    for (const resourceSpans of request.resourceSpans ?? []) {
      const resource = attributeMap(resourceSpans.resource?.attributes);
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            ...span,
            service: String(resource['service.name']),
            attributes: attributeMap(span.attributes),
            links: span.links ?? [],
          });
        }
      }
    }
  }
}
