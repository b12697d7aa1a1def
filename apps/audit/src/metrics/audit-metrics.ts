import { MetricsRegistry } from '@app/platform';
import type { VerifyObserver, VerifyReport } from '../audit-log/chain-verifier';

/** Everything the audit app exposes on /metrics. */
export class AuditMetrics extends MetricsRegistry implements VerifyObserver {
  constructor() {
    super('audit');
  }

  readonly rowsWritten = this.counter('billwerk_audit_rows_written_total', {
    help: 'Audit rows written, by topic',
    labelNames: ['topic'] as const,
  });

  readonly duplicates = this.counter('billwerk_audit_duplicates_skipped_total', {
    help: 'Redelivered messages found already stored and skipped, by topic',
    labelNames: ['topic'] as const,
  });

  readonly deadLetters = this.counter('billwerk_audit_dead_letters_total', {
    help: 'Messages that can never be stored, sent to the audit dead-letter topic, by origin topic',
    labelNames: ['topic'] as const,
  });

  readonly storeFailures = this.counter('billwerk_audit_store_failures_total', {
    help: 'Failed store attempts, by topic and failure kind (transient: retried until stored; deterministic: split, retried, then dead-lettered)',
    labelNames: ['topic', 'kind'] as const,
  });

  readonly offsetRegressions = this.counter('billwerk_audit_offset_regressions_total', {
    help: "New events stored at or below their partition's highest stored offset (topic recreated, cluster replaced), by topic",
    labelNames: ['topic'] as const,
  });

  readonly batchDuration = this.histogram('billwerk_audit_batch_duration_seconds', {
    help: 'Time from receiving a batch to committing its offset, retries included',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });

  readonly batchSize = this.histogram('billwerk_audit_batch_messages', {
    help: 'Messages per consumed batch',
    buckets: [1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000],
  });

  readonly consumerLag = this.gauge('billwerk_audit_consumer_lag', {
    help: 'Messages on the partition not yet stored, as of the last batch',
    labelNames: ['topic', 'partition'] as const,
  });

  readonly verifications = this.counter('billwerk_audit_chain_verifications_total', {
    help: 'Chain verifications (GET /audit/verify and the scheduled one), by result: ok, broken (a partition fails), incomplete (checkpoints unread), failed (the verify threw)',
    labelNames: ['result'] as const,
  });

  readonly brokenPartitions = this.gauge('billwerk_audit_chain_broken_partitions', {
    help: 'Partitions whose chain or checkpoint failed the last completed verify (0: none)',
  });

  readonly lastVerified = this.gauge('billwerk_audit_chain_last_verify_timestamp_seconds', {
    help: 'Unix time of the last complete verify (ok or broken): not moved by a verify that failed or could not read the checkpoints',
  });

  verified(report: VerifyReport): void {
    const broken = report.partitions.filter((partition) => !partition.ok).length;
    const result =
      broken > 0 || report.checkpoints.malformed > 0
        ? 'broken'
        : report.checkpoints.read
          ? 'ok'
          : 'incomplete';
    this.verifications.inc({ result });
    this.brokenPartitions.set(broken);
    if (result !== 'incomplete') this.lastVerified.set(Date.now() / 1000);
  }

  verifyFailed(): void {
    this.verifications.inc({ result: 'failed' });
  }
}
