import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The trace an action was decided in, so its publication continues that trace. */
export class OutboxTraceparent1765200000000 implements MigrationInterface {
  name = 'OutboxTraceparent1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn(
      'retention_outbox',
      new TableColumn({ name: 'traceparent', type: 'varchar', length: '55', isNullable: true }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('retention_outbox', 'traceparent');
  }
}
