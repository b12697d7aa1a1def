import { databaseKind, inspectRolePowers, quoteIdentifier } from '@app/persistence';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

/** The app's database role could rewrite the audit log; production refuses to start with it. */
export class AuditDatabaseRoleError extends Error {
  readonly code = 'AUDIT_DB_ROLE_TOO_POWERFUL';
}

/** One line naming the role and what it could do, and what to change. */
function roleProblem(role: string, excess: string[]): string {
  return `the database role ${quoteIdentifier(role)} can rewrite the audit log (${excess.join(', ')}): run the audit app as a role with only SELECT and INSERT, migrations as the owner (AUDIT_MIGRATION_DATABASE_URL, AUDIT_APP_ROLE; docs/operations.md)`;
}

/**
 * The append-only triggers hold only against a role that cannot drop them: in production the app
 * refuses to run as the table's owner, a superuser or a role with more than SELECT and INSERT; in
 * development and tests (one role for everything is common there) it warns. SQLite has no roles:
 * in production it warns that whoever can write the file can rewrite the log.
 */
export async function checkAuditDatabaseRole(
  dataSource: DataSource,
  production: boolean,
  logger: Logger,
): Promise<void> {
  if (databaseKind(dataSource) === 'sqlite') {
    if (production) {
      logger.warn(
        'the audit log is a SQLite file: no database role protects it, whoever can write the file can rewrite the log',
      );
    }
    return;
  }
  const { role, excess } = await inspectRolePowers(dataSource, 'audit_events');
  if (excess.length === 0) return;
  const problem = roleProblem(role, excess);
  if (production) throw new AuditDatabaseRoleError(problem);
  logger.warn({ role, excess }, problem);
}
