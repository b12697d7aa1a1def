import { runAppProcess, type AppExit } from '../../../test/support/app-process';
import { freePort } from './ingress-process';

/** Runs the ingress's real entry point as its own process. */
/** One unauthenticated CustomerCreated hook to the ingress on `port`. */
function postCustomerCreated(port: number): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/billwerk-hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ Event: 'CustomerCreated', CustomerId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }),
  });
}

/** The process's JSON log, one object per line. */
function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function runIngress(
  env: Record<string, string>,
  whileRunning?: (port: number) => Promise<void>,
  port = 0,
): Promise<AppExit> {
  return runAppProcess('ingress', env, whileRunning && (() => whileRunning(port)));
}

describe('the ingress process', () => {
  it('refuses to start on a bad setting with one clear line per setting', async () => {
    const exit = await runIngress({ INGRESS_PORT: 'eighty', KAFKA_BROKERS: 'nowhere' });
    expect(exit.code).toBe(1);
    expect(exit.stderr.trim().split('\n')).toEqual([
      'config error: INGRESS_PORT: must be an integer number (got "eighty")',
      'config error: KAFKA_BROKERS: must be comma-separated host:port pairs (got "nowhere")',
    ]);
  });

  it('refuses an OTLP protocol it cannot send, in one line naming the variable', async () => {
    const exit = await runIngress({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    expect(exit.code).toBe(1);
    expect(exit.stderr.trim()).toBe(
      'ingress start-up failed: OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http/json (OTLP/HTTP with JSON)',
    );
  });

  it('refuses to start in production mode without credentials', async () => {
    const exit = await runIngress({ NODE_ENV: 'production' });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(
      /^config error: INGRESS_BASIC_AUTH, INGRESS_PATH_TOKENS: production mode/,
    );
  });

  it('refuses to start in production mode with a path token or Basic password under 16 characters', async () => {
    const weak: Array<{ env: Record<string, string>; line: string }> = [
      {
        env: { INGRESS_PATH_TOKENS: 'live:demo-hook-token' },
        line: 'config error: INGRESS_PATH_TOKENS: production mode (NODE_ENV=production) needs tokens of at least 16 characters (too short for source live)',
      },
      {
        env: { INGRESS_BASIC_AUTH: 'live:billwerk:hook-pass' },
        line: 'config error: INGRESS_BASIC_AUTH: production mode (NODE_ENV=production) needs passwords of at least 16 characters (too short for source live)',
      },
    ];
    for (const { env, line } of weak) {
      const port = await freePort();
      const exit = await runIngress(
        { NODE_ENV: 'production', INGRESS_PORT: String(port), INGRESS_HOST: '127.0.0.1', ...env },
        () => Promise.reject(new Error(`started with ${Object.keys(env).join()} too short`)),
      );
      expect(exit.code).toBe(1);
      expect(exit.stderr.trim().split('\n')).toEqual([line]);
      expect(exit.stderr).not.toMatch(/demo-hook-token|hook-pass/);
    }
  });

  it('warns when running open in development, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const exit = await runIngress(
      { INGRESS_PORT: String(port), INGRESS_HOST: '127.0.0.1' },
      async (listening) => {
        const response = await postCustomerCreated(listening);
        expect(response.status).toBe(202);
      },
      port,
    );
    expect(exit.code).toBe(0);
    const lines = logLines(exit.stdout);
    expect(
      lines.find((l) => l.level === 'warn' && String(l.msg).includes('unauthenticated hooks')),
    ).toBeDefined();
    expect(lines.find((l) => l.msg === 'hook accepted')).toMatchObject({
      event: 'CustomerCreated',
      source: 'default',
    });
    expect(lines.at(-1)).toMatchObject({ msg: 'ingress stopped' });
  });

  it('never writes a credential to its log', async () => {
    const port = await freePort();
    const secret = 'very-secret-password-42';
    const exit = await runIngress(
      {
        INGRESS_PORT: String(port),
        INGRESS_HOST: '127.0.0.1',
        INGRESS_BASIC_AUTH: `production:billwerk:${secret}`,
        INGRESS_PATH_TOKENS: `sandbox:${secret}x`,
      },
      async (listening) => {
        const auth = `Basic ${Buffer.from(`billwerk:${secret}`).toString('base64')}`;
        for (const path of [
          '/billwerk-hook',
          `/billwerk-hook/${secret}x`,
          '/billwerk-hook/wrong',
        ]) {
          await fetch(`http://127.0.0.1:${listening}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body: JSON.stringify({ Event: 'CustomerCreated', CustomerId: 'bad' }),
          });
        }
      },
      port,
    );
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('request rejected');
    expect(exit.stdout + exit.stderr).not.toContain(secret);
  });

  it('stays unready when the broker does not take its Kafka credentials, and never logs the password', async () => {
    const port = await freePort();
    const password = 'kafka-sasl-password-42';
    const exit = await runIngress(
      {
        INGRESS_PORT: String(port),
        INGRESS_HOST: '127.0.0.1',
        // The shared test broker has no SASL listener, so the handshake is refused.
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'ingress',
        KAFKA_SASL_PASSWORD: password,
      },
      async (listening) => {
        // Long enough for the first start-up attempt and its KafkaJS retries to give up.
        await new Promise((resolve) => setTimeout(resolve, 6000));
        const ready = await fetch(`http://127.0.0.1:${listening}/health/ready`);
        expect(ready.status).toBe(503);
        const hook = await postCustomerCreated(listening);
        expect(hook.status).toBe(503);
      },
      port,
    );
    expect(exit.code).toBe(0);
    const lines = logLines(exit.stdout);
    expect(
      lines.find((l) => l.msg === 'Kafka not usable at start; hooks are answered 503 until it is'),
    ).toMatchObject({ level: 'error', err: expect.stringMatching(/SASL/) });
    expect(exit.stdout + exit.stderr).not.toContain(password);
  });
});
