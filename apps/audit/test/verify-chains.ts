import type { DataSource } from 'typeorm';
import { AuditLogRepository } from '../src/audit-log/audit-log.repository';
import { ChainVerifier, type PartitionReport } from '../src/audit-log/chain-verifier';
import { TEST_CHAIN_KEYS } from './audit-fixtures';

/** A full verify of every chain with the test keys, checkpoints left out: the links alone. */
export async function verifyChains(dataSource: DataSource): Promise<PartitionReport[]> {
  const verifier = new ChainVerifier(new AuditLogRepository(dataSource), TEST_CHAIN_KEYS, null);
  return (await verifier.verify({ full: true })).partitions;
}
