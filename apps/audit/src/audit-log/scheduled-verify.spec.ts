import pino from 'pino';
import type { AuditConfig } from '../config/audit.config';
import type { ChainVerifier, VerifyReport } from './chain-verifier';
import { ScheduledVerify } from './scheduled-verify';

const PASSED: VerifyReport = {
  ok: true,
  full: false,
  checkpoints: { read: true, error: null, malformed: 0 },
  partitions: [],
};

function schedule(intervalMs: number, verify: () => Promise<VerifyReport>) {
  const config = { chain: { verifyIntervalMs: intervalMs } } as AuditConfig;
  const logger = pino({ level: 'silent' });
  const errors = jest.spyOn(logger, 'error');
  const calls = jest.fn(verify);
  const verifier = { verify: calls } as unknown as ChainVerifier;
  return { scheduled: new ScheduledVerify(config, logger, verifier), calls, errors };
}

describe('ScheduledVerify', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('verifies incrementally every interval and logs a verify that did not pass', async () => {
    const broken = { ...PASSED, ok: false };
    const { scheduled, calls, errors } = schedule(1000, () => Promise.resolve(broken));
    scheduled.onApplicationBootstrap();
    expect(calls).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(2500);
    expect(calls.mock.calls).toEqual([[{ full: false }], [{ full: false }]]);
    expect(errors).toHaveBeenCalledTimes(2);
    await scheduled.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveBeenCalledTimes(2);
  });

  it('never overlaps a slow verify, survives a failing one, and waits for it at shutdown', async () => {
    let finish: (report: VerifyReport) => void = () => undefined;
    let attempt = 0;
    const { scheduled, calls } = schedule(1000, () => {
      attempt += 1;
      if (attempt === 1) return Promise.reject(new Error('database away'));
      return new Promise((resolve) => (finish = resolve));
    });
    scheduled.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(1000);
    await jest.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveBeenCalledTimes(2);
    let stopped = false;
    const stopping = scheduled.beforeApplicationShutdown().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish(PASSED);
    await stopping;
    expect(stopped).toBe(true);
  });

  it('does nothing when the interval is 0', async () => {
    const { scheduled, calls } = schedule(0, () => Promise.resolve(PASSED));
    scheduled.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(86_400_000);
    expect(calls).not.toHaveBeenCalled();
  });
});
