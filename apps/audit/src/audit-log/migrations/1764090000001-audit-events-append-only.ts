import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The database itself refuses UPDATE, DELETE (and on Postgres TRUNCATE) on audit rows, whoever
 * asks: the application has no such path, and this stops anyone else's.
 */
export class AuditEventsAppendOnly1764090000001 implements MigrationInterface {
  name = 'AuditEventsAppendOnly1764090000001';

  async up(runner: QueryRunner): Promise<void> {
    if (runner.connection.options.type === 'postgres') {
      await runner.query(`
        CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $$`);
      await runner.query(`
        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
      await runner.query(`
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);
      return;
    }
    for (const operation of ['UPDATE', 'DELETE']) {
      await runner.query(`
        CREATE TRIGGER audit_events_no_${operation.toLowerCase()} BEFORE ${operation} ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: ${operation} refused'); END`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    if (runner.connection.options.type === 'postgres') {
      await runner.query('DROP TRIGGER audit_events_no_truncate ON audit_events');
      await runner.query('DROP TRIGGER audit_events_append_only ON audit_events');
      await runner.query('DROP FUNCTION audit_events_refuse_change()');
      return;
    }
    await runner.query('DROP TRIGGER audit_events_no_update');
    await runner.query('DROP TRIGGER audit_events_no_delete');
  }
}
