import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request } from 'node:http';
import pino from 'pino';
import { loadIngressConfig } from '../src/config/ingress.config';
import { createIngressApp } from '../src/ingress.app';

export const SANDBOX_TOKEN = 'sandbox-path-token-0123456789';
export const BASIC = { source: 'production', user: 'billwerk', password: 'hook:password-1' };

export interface RunningIngress {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** A real ingress on a free port, against the Kafka in KAFKA_BROKERS, with test credentials. */
export async function startIngress(env: Record<string, string> = {}): Promise<RunningIngress> {
  const config = loadIngressConfig({
    NODE_ENV: 'test',
    INGRESS_PORT: '3000',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    INGRESS_BASIC_AUTH: `${BASIC.source}:${BASIC.user}:${BASIC.password}`,
    INGRESS_PATH_TOKENS: `sandbox:${SANDBOX_TOKEN}`,
    LOG_LEVEL: 'warn',
    ...env,
  });
  const app = await createIngressApp(
    config,
    pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  );
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string')
    throw new Error('ingress has no TCP address');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    close: () => app.close(),
  };
}

export function basicAuthHeader(user = BASIC.user, password = BASIC.password): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export interface HookResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function postHook(
  url: string,
  body: string,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<HookResponse> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** POSTs the body in chunks with chunked transfer encoding, so no Content-Length announces it. */
export function postChunked(
  url: string,
  chunks: string[],
  headers: Record<string, string> = {},
): Promise<HookResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (incoming) => {
        const parts: Buffer[] = [];
        incoming.on('data', (part: Buffer) => parts.push(part));
        incoming.on('end', () => {
          const answerHeaders = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (typeof value === 'string') answerHeaders.set(name, value);
          }
          resolve({
            status: incoming.statusCode ?? 0,
            headers: answerHeaders,
            body: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>,
          });
        });
      },
    );
    // The server may answer and close before the last chunk is sent.
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    for (const chunk of chunks) outgoing.write(chunk);
    outgoing.end();
  });
}
