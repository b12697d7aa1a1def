import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runAppProcess, type AppExit } from '../../../test/support/app-process';
import { AppInstance } from '../../../test/support/faults/app-instance';
import { waitFor } from '../../../test/support/wait-for';
import { FakeBillwerk } from './fake-billwerk';

const VARIANT = 'aaaaaaaaaaaaaaaaaaaaaaaa';

/** Runs retention's real entry point; `whileRunning` gets its URL once it listens, then SIGTERM. */
function runRetention(
  env: Record<string, string>,
  whileRunning?: (url: string) => Promise<void>,
): Promise<AppExit> {
  const url = `http://127.0.0.1:${env.RETENTION_PORT}`;
  return runAppProcess('retention', env, whileRunning && (() => whileRunning(url)));
}

describe('retention process', () => {
  it('refuses to start on bad offer rules and bad settings, one line each', async () => {
    const exit = await runRetention({
      BILLWERK_CLIENT_SECRET: 'secret',
      RETENTION_PORT: '70000',
      RETENTION_OFFER_RULES: `${VARIANT}=ten-percent`,
    });
    expect(exit.code).toBe(1);
    expect(exit.stderr.trim().split('\n')).toEqual([
      'config error: RETENTION_PORT: must not be greater than 65535 (got "70000")',
      'config error: BILLWERK_CLIENT_ID: is required (got nothing)',
    ]);
    const rules = await runRetention({
      BILLWERK_CLIENT_ID: 'client',
      BILLWERK_CLIENT_SECRET: 'secret',
      RETENTION_OFFER_RULES: `${VARIANT}=none,${VARIANT}=none`,
    });
    expect(rules.code).toBe(1);
    expect(rules.stderr.trim()).toBe(
      `config error: RETENTION_OFFER_RULES: entry 2 "${VARIANT}=none": plan variant ${VARIANT} is given twice`,
    );
  });

  it('serves health and docs, and stops cleanly on SIGTERM', async () => {
    const billwerk = new FakeBillwerk();
    await billwerk.start();
    const folder = mkdtempSync(join(tmpdir(), 'retention-process-'));
    try {
      const port = String(20000 + Math.floor(Math.random() * 20000));
      const exit = await runRetention(
        {
          BILLWERK_API_URL: billwerk.url,
          BILLWERK_CLIENT_ID: 'client',
          BILLWERK_CLIENT_SECRET: 'secret',
          RETENTION_PORT: port,
          RETENTION_HOST: '127.0.0.1',
          RETENTION_SQLITE_PATH: join(folder, 'retention.sqlite'),
          RETENTION_GROUP_ID: `retention-process-${port}`,
        },
        async (url) => {
          expect((await fetch(`${url}/health/live`)).status).toBe(200);
          const docs = await fetch(`${url}/docs-json`);
          const spec = (await docs.json()) as { paths: Record<string, unknown> };
          expect(Object.keys(spec.paths)).toEqual(
            expect.arrayContaining([
              '/retention/cases',
              '/retention/cases/{id}',
              '/retention/cases/{id}/apply-offer',
              '/retention/cases/{id}/close',
            ]),
          );
          expect((await fetch(`${url}/docs`)).status).toBe(200);
        },
      );
      expect(exit.stdout).toContain('retention stopped');
      expect(exit.code).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await billwerk.stop();
    }
  });

  it('serves /health/live at once after a SIGKILL, while the dead member still holds its place in the group', async () => {
    const billwerk = new FakeBillwerk();
    await billwerk.start();
    const folder = mkdtempSync(join(tmpdir(), 'retention-restart-'));
    const port = await freePort();
    const instance = () =>
      new AppInstance({
        app: 'retention',
        name: 'retention',
        port,
        fromSource: true,
        logFile: join(folder, 'retention.log'),
        env: {
          KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
          BILLWERK_API_URL: billwerk.url,
          BILLWERK_CLIENT_ID: 'client',
          BILLWERK_CLIENT_SECRET: 'secret',
          RETENTION_PORT: String(port),
          RETENTION_HOST: '127.0.0.1',
          RETENTION_SQLITE_PATH: join(folder, 'retention.sqlite'),
          RETENTION_GROUP_ID: `retention-restart-${port}`,
        },
      });
    const first = instance();
    const second = instance();
    try {
      await first.start();
      await waitFor(
        'the consumer to join',
        async () => (await fetch(`${first.url}/health/ready`)).ok,
      );
      await first.kill();
      // The group keeps the dead member for its 45 s session: the new one cannot join before.
      // Before the fix the app listened only once it had joined, so a liveness probe restarted
      // it again and again.
      const restarted = Date.now();
      await second.start();
      expect(Date.now() - restarted).toBeLessThan(30_000);
      const ready = await fetch(`${second.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toContain('consumer not joined');
      await waitFor(
        'the new instance to join',
        async () => (await fetch(`${second.url}/health/ready`)).ok,
        90_000,
      );
    } finally {
      await first.close();
      await second.close();
      rmSync(folder, { recursive: true, force: true });
      await billwerk.stop();
    }
  }, 180_000);
});
