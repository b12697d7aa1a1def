import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer (to provoke a client timeout). */
  hang?: boolean;
}

export type Script = (request: RecordedRequest) => ScriptedAnswer;

/** A local HTTP server that answers by script and records every request it saw. */
export class ScriptedServer {
  readonly requests: RecordedRequest[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private server?: Server;

  constructor(private script: Script) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  use(script: Script): void {
    this.script = script;
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path.split('?')[0] === path);
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const recorded = {
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(recorded);
        const answer = this.script(recorded);
        if (answer.hang) {
          this.hanging.add(response);
          return;
        }
        response.writeHead(answer.status, {
          'content-type': 'application/json',
          ...answer.headers,
        });
        response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

export const TOKEN_PATH = '/oauth/token/';

/** Answers the token endpoint with a numbered token, everything else via `api`. */
export function withTokens(
  api: Script,
  tokenBody: Record<string, unknown> = { expires_in: 3600 },
): Script {
  let issued = 0;
  return (request) => {
    if (request.path === TOKEN_PATH) {
      issued++;
      return {
        status: 200,
        body: { access_token: `token-${issued}`, token_type: 'bearer', ...tokenBody },
      };
    }
    return api(request);
  };
}
