import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each row keeps the Kafka record value exactly as consumed: `data` (jsonb) normalises numbers
 * (`1.50` becomes `1.5`) and JSON.parse rounds integers past 2^53, so only the text itself can be
 * hashed, exported and replayed byte for byte. Rows stored before keep NULL and their old chain.
 * Only ADD COLUMN: an owner role runs it, the app role needs nothing beyond INSERT and SELECT.
 */
export class AuditEventsRawValue1764300000000 implements MigrationInterface {
  name = 'AuditEventsRawValue1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE audit_events ADD COLUMN raw_value text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE audit_events DROP COLUMN raw_value');
  }
}
