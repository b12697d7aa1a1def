import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The relay's lease on outbox rows it is publishing (no transaction is held across the send). */
export class OutboxClaim1764950000000 implements MigrationInterface {
  name = 'OutboxClaim1764950000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn(
      'retention_outbox',
      new TableColumn({ name: 'claimedUntil', type: 'varchar', length: '30', isNullable: true }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('retention_outbox', 'claimedUntil');
  }
}
