import 'reflect-metadata';
import { BillwerkApiClient, type BillwerkApiOptions } from '@app/billwerk-api';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { loadSimConfig } from '../src/config/sim.config';
import { createSimApp } from '../src/sim.app';
import { SimRuntime } from '../src/sim-runtime';

export const SIM_CLIENT = { clientId: 'test-client', clientSecret: 'test-secret' };

export interface RunningSim {
  app: NestFastifyApplication;
  runtime: SimRuntime;
  url: string;
  /** A billwerk API client for this simulator, without backoff waits. */
  client(options?: Partial<BillwerkApiOptions>): BillwerkApiClient;
  control<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** Starts a simulator on a free port; `env` adds to the test defaults (fast retries). */
export async function startSim(env: Record<string, string> = {}): Promise<RunningSim> {
  const config = loadSimConfig({
    SIM_PORT: '3003',
    SIM_CLIENT_ID: SIM_CLIENT.clientId,
    SIM_CLIENT_SECRET: SIM_CLIENT.clientSecret,
    SIM_RETRY_BASE_MS: '1',
    SIM_HOOK_TIMEOUT_MS: '2000',
    ...env,
  });
  const app = await createSimApp(config, pino({ level: 'silent' }));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    runtime: app.get(SimRuntime),
    url,
    client: (options = {}) =>
      new BillwerkApiClient({
        baseUrl: url,
        ...SIM_CLIENT,
        retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5_000 },
        ...options,
      }),
    control: async <T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
    },
    close: () => app.close(),
  };
}
