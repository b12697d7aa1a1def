import { Table, TableIndex, TableUnique, type MigrationInterface, type QueryRunner } from 'typeorm';

const text = (name: string, length: number, nullable = false) => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});

/** The retention store; written with TypeORM's table API so it runs on Postgres and SQLite. */
export class RetentionSchema1764090000000 implements MigrationInterface {
  name = 'RetentionSchema1764090000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'retention_case',
        columns: [
          { ...text('id', 36), isPrimary: true },
          text('kind', 32),
          text('status', 16),
          text('outcome', 32, true),
          text('contractId', 64),
          text('customerId', 64, true),
          text('dedupKey', 200, true),
          text('reason', 64),
          { name: 'reasons', type: 'text' },
          text('endDate', 30, true),
          text('planVariantId', 64, true),
          text('offerDiscountId', 64, true),
          text('offerClaimedAt', 30, true),
          text('contactName', 300, true),
          text('contactEmail', 300, true),
          text('contactLocale', 35, true),
          { name: 'personalDataErased', type: 'boolean', default: false },
          text('openedAt', 30),
          text('closedAt', 30, true),
        ],
        uniques: [new TableUnique({ name: 'retention_case_dedup', columnNames: ['dedupKey'] })],
        indices: [
          new TableIndex({ name: 'retention_case_contract', columnNames: ['contractId'] }),
          new TableIndex({ name: 'retention_case_customer', columnNames: ['customerId'] }),
          new TableIndex({ name: 'retention_case_status_kind', columnNames: ['status', 'kind'] }),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'retention_case_event',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          text('caseId', 36, true),
          text('contractId', 64, true),
          text('at', 30),
          text('type', 16),
          { name: 'detail', type: 'text' },
        ],
        indices: [
          new TableIndex({ name: 'retention_case_event_case', columnNames: ['caseId', 'id'] }),
          new TableIndex({ name: 'retention_case_event_contract', columnNames: ['contractId'] }),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'retention_trigger',
        columns: [{ ...text('key', 200), isPrimary: true }, text('caseId', 36), text('seenAt', 30)],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'retention_outbox',
        columns: [
          { ...text('id', 36), isPrimary: true },
          text('actionKey', 250),
          text('caseId', 36),
          text('contractId', 64),
          text('type', 40),
          { name: 'payload', type: 'text' },
          text('status', 16),
          text('createdAt', 30),
          text('dueAt', 30),
          text('publishedAt', 30, true),
        ],
        uniques: [new TableUnique({ name: 'retention_outbox_action', columnNames: ['actionKey'] })],
        indices: [
          new TableIndex({ name: 'retention_outbox_due', columnNames: ['status', 'dueAt'] }),
          new TableIndex({ name: 'retention_outbox_case', columnNames: ['caseId'] }),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'retention_pending_hook',
        columns: [
          { ...text('id', 36), isPrimary: true },
          text('topic', 200),
          { name: 'partition', type: 'integer' },
          text('offset', 20),
          text('messageKey', 200, true),
          { name: 'value', type: 'text' },
          { name: 'headers', type: 'text' },
          { name: 'attempts', type: 'integer' },
          text('nextAttemptAt', 30),
          { name: 'lastError', type: 'text' },
          text('createdAt', 30),
        ],
        uniques: [
          new TableUnique({
            name: 'retention_pending_hook_origin',
            columnNames: ['topic', 'partition', 'offset'],
          }),
        ],
        indices: [
          new TableIndex({ name: 'retention_pending_hook_due', columnNames: ['nextAttemptAt'] }),
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'retention_pending_hook',
      'retention_outbox',
      'retention_trigger',
      'retention_case_event',
      'retention_case',
    ]) {
      await runner.dropTable(table);
    }
  }
}
