import type { PartitionReport, VerifyReport } from '../audit-log/chain-verifier';
import { AuditMetrics } from './audit-metrics';

function partition(ok: boolean): PartitionReport {
  return {
    topic: 'billwerk.contract.v1',
    partition: 0,
    ok,
    rowsChecked: 1,
    rowsVerified: 1,
    legacyRows: 0,
    brokenLinks: ok ? 0 : 1,
    firstBrokenLink: null,
    head: null,
    checkpoint: null,
  };
}

function report(partitions: PartitionReport[], read = true, malformed = 0): VerifyReport {
  return {
    ok: read && malformed === 0 && partitions.every((p) => p.ok),
    full: false,
    checkpoints: { read, error: read ? null : 'Kafka away', malformed },
    partitions,
  };
}

async function sample(metrics: AuditMetrics, line: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('AuditMetrics as the verify observer', () => {
  it('counts each result and gauges the broken partitions and the time of the last verify', async () => {
    const metrics = new AuditMetrics();
    const before = Date.now() / 1000;
    metrics.verified(report([partition(true), partition(true)]));
    metrics.verified(report([partition(true)], false));
    metrics.verified(report([partition(true)], true, 1));
    metrics.verified(report([partition(false), partition(true), partition(false)]));
    metrics.verifyFailed();

    const total = 'billwerk_audit_chain_verifications_total';
    expect(await sample(metrics, `${total}{result="ok",app="audit"}`)).toBe(1);
    expect(await sample(metrics, `${total}{result="incomplete",app="audit"}`)).toBe(1);
    expect(await sample(metrics, `${total}{result="broken",app="audit"}`)).toBe(2);
    expect(await sample(metrics, `${total}{result="failed",app="audit"}`)).toBe(1);
    expect(await sample(metrics, 'billwerk_audit_chain_broken_partitions{app="audit"}')).toBe(2);
    const last = await sample(
      metrics,
      'billwerk_audit_chain_last_verify_timestamp_seconds{app="audit"}',
    );
    expect(last).toBeGreaterThanOrEqual(before);
  });

  it('moves the time of the last verify only for a complete one', async () => {
    const metrics = new AuditMetrics();
    const line = 'billwerk_audit_chain_last_verify_timestamp_seconds{app="audit"}';
    metrics.verified(report([partition(true)], false));
    metrics.verifyFailed();
    expect(await sample(metrics, line)).toBe(0);
    metrics.verified(report([partition(false)]));
    expect(await sample(metrics, line)).toBeGreaterThan(0);
  });

  it('clears the broken gauge once a verify passes again', async () => {
    const metrics = new AuditMetrics();
    metrics.verified(report([partition(false)]));
    metrics.verified(report([partition(true)]));
    expect(await sample(metrics, 'billwerk_audit_chain_broken_partitions{app="audit"}')).toBe(0);
  });
});
