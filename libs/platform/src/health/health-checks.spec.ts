import { HealthChecks, type HealthIndicator, type HealthReport } from './health-checks';

class FakeIndicator implements HealthIndicator {
  calls = 0;
  constructor(
    readonly name: string,
    public report: HealthReport | (() => Promise<HealthReport>),
  ) {}
  check(): Promise<HealthReport> {
    this.calls += 1;
    return typeof this.report === 'function' ? this.report() : Promise.resolve(this.report);
  }
}

const up = (checks: Record<string, string>): HealthReport => ({ up: true, checks });
const down = (checks: Record<string, string>): HealthReport => ({ up: false, checks });

describe('HealthChecks', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('is ready when every indicator is up, with every part in checks', async () => {
    const health = new HealthChecks({ now: clock });
    health.register(new FakeIndicator('the database', up({ database: 'up' })));
    health.register(new FakeIndicator('Kafka', up({ broker: 'up', consumer: 'running' })));
    expect(await health.readiness()).toEqual({
      ready: true,
      checks: { database: 'up', broker: 'up', consumer: 'running' },
      detail: 'ready',
    });
  });

  it('names each unavailable dependency and its parts, never more', async () => {
    const health = new HealthChecks({ now: clock });
    health.register(new FakeIndicator('the database', up({ database: 'up' })));
    health.register(new FakeIndicator('Kafka', down({ broker: 'up', producer: 'not connected' })));
    const readiness = await health.readiness();
    expect(readiness.ready).toBe(false);
    expect(readiness.detail).toBe(
      'not ready: Kafka is unavailable (broker up, producer not connected)',
    );
  });

  it('evaluates at most once per cache period, however many probes, and again after it', async () => {
    const kafka = new FakeIndicator('Kafka', up({ broker: 'up' }));
    const health = new HealthChecks({ cacheMs: 1000, now: clock });
    health.register(kafka);
    await Promise.all(Array.from({ length: 20 }, () => health.readiness()));
    now += 999;
    await health.readiness();
    expect(kafka.calls).toBe(1);

    kafka.report = down({ broker: 'unreachable' });
    now += 1;
    expect((await health.readiness()).ready).toBe(false);
    expect(kafka.calls).toBe(2);
  });

  it('reports an indicator that throws or does not answer in time as down', async () => {
    const health = new HealthChecks({ now: clock, timeoutMs: 20 });
    health.register(new FakeIndicator('the database', () => Promise.reject(new Error('boom'))));
    health.register(new FakeIndicator('Kafka', () => new Promise<HealthReport>(() => undefined)));
    const readiness = await health.readiness();
    expect(readiness).toEqual({
      ready: false,
      checks: { 'the database': 'failing', Kafka: 'no answer' },
      detail:
        'not ready: the database is unavailable (the database failing); Kafka is unavailable (Kafka no answer)',
    });
  });
});
