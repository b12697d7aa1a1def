import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rows from now on are chained with HMAC-SHA-256 under a key the database never sees, and name
 * that key here, so keys can be rotated. Rows stored before keep NULL: the unkeyed SHA-256 chain
 * they were written with, verified as such. Only ADD COLUMN, run by the owner role.
 */
export class AuditEventsKeyedChain1764300000001 implements MigrationInterface {
  name = 'AuditEventsKeyedChain1764300000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE audit_events ADD COLUMN chain_key_id text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE audit_events DROP COLUMN chain_key_id');
  }
}
