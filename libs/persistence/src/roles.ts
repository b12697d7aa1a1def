import type { DataSource, QueryRunner } from 'typeorm';

/** A PostgreSQL identifier, double-quoted: safe whatever it contains. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export type TablePrivilege = 'SELECT' | 'INSERT';

/** What an application role gets: USAGE on the current schema and these privileges per table. */
export interface AppRoleGrants {
  role: string;
  tables: Record<string, readonly TablePrivilege[]>;
}

/** The roles are not set up so that the grants can be given; the message says what to change. */
export class RoleSetupError extends Error {
  readonly code = 'ROLE_SETUP';
}

interface GrantState {
  me: string;
  schema: string;
  owns_schema: boolean;
  role_exists: boolean;
  role_is_me: boolean;
}

/**
 * Gives `grants.role` exactly `grants.tables` and USAGE on the current schema: anything else it
 * or PUBLIC held on those tables is revoked, and so is PUBLIC's CREATE on the schema (granted by
 * default before PostgreSQL 15), so the role can neither change rows nor create objects. Runs as
 * the owner of the schema and the tables, in one transaction, and is idempotent: run it after
 * every migration run, so a table a new migration adds gets its grants too.
 */
export async function grantAppRole(runner: QueryRunner, grants: AppRoleGrants): Promise<void> {
  const [state] = (await runner.query(
    `SELECT current_user AS me, current_schema() AS schema,
            pg_has_role(current_user, n.nspowner, 'USAGE') AS owns_schema,
            r.oid IS NOT NULL AS role_exists,
            r.oid IS NOT NULL AND pg_has_role(r.oid, current_user, 'MEMBER') AS role_is_me
       FROM pg_namespace n LEFT JOIN pg_roles r ON r.rolname = $1
      WHERE n.nspname = current_schema()`,
    [grants.role],
  )) as GrantState[];
  const role = quoteIdentifier(grants.role);
  if (!state.role_exists) {
    throw new RoleSetupError(`role ${role} does not exist: create it (CREATE ROLE ${role} LOGIN)`);
  }
  if (state.role_is_me) {
    throw new RoleSetupError(
      `role ${role} is, or can act as, the migrating role ${quoteIdentifier(state.me)}: the app role must be a role of its own`,
    );
  }
  if (!state.owns_schema) {
    throw new RoleSetupError(
      `the migrating role ${quoteIdentifier(state.me)} does not own schema ${quoteIdentifier(state.schema)}, so it cannot grant on it: ALTER SCHEMA ${quoteIdentifier(state.schema)} OWNER TO ${quoteIdentifier(state.me)}`,
    );
  }
  const schema = quoteIdentifier(state.schema);
  const statements = [
    `REVOKE CREATE ON SCHEMA ${schema} FROM PUBLIC`,
    `REVOKE ALL ON SCHEMA ${schema} FROM ${role}`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    ...Object.entries(grants.tables).flatMap(([table, privileges]) => {
      const name = `${schema}.${quoteIdentifier(table)}`;
      return [
        `REVOKE ALL ON TABLE ${name} FROM PUBLIC, ${role}`,
        `GRANT ${privileges.join(', ')} ON TABLE ${name} TO ${role}`,
      ];
    }),
  ];
  await runner.startTransaction();
  try {
    for (const statement of statements) await runner.query(statement);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}

export interface RolePowers {
  /** The role this connection runs as. */
  role: string;
  /** Ways it could change or remove rows of the table, beyond SELECT and INSERT; empty: none. */
  excess: string[];
}

interface PowerRow {
  role: string;
  schema: string;
  superuser: boolean;
  createrole: boolean;
  owner: boolean;
  update: boolean;
  delete: boolean;
  truncate: boolean;
  trigger: boolean;
  create: boolean;
}

/**
 * What the connection's role may do to `table` (in the current schema) beyond reading and
 * appending: being a superuser, owning it (or being able to act as its owner: it may then drop
 * its triggers), UPDATE, DELETE, TRUNCATE or TRIGGER on it, CREATE in its schema, CREATEROLE
 * (which can grant itself the owner's role before PostgreSQL 16). PostgreSQL only.
 */
export async function inspectRolePowers(
  dataSource: DataSource,
  table: string,
): Promise<RolePowers> {
  const rows = await dataSource.query<PowerRow[]>(
    `SELECT current_user AS role, n.nspname AS schema, r.rolsuper AS superuser,
            r.rolcreaterole AS createrole,
            pg_has_role(current_user, c.relowner, 'MEMBER') AS owner,
            has_any_column_privilege(c.oid, 'UPDATE') AS update,
            has_table_privilege(c.oid, 'DELETE') AS delete,
            has_table_privilege(c.oid, 'TRUNCATE') AS truncate,
            has_table_privilege(c.oid, 'TRIGGER') AS trigger,
            has_schema_privilege(c.relnamespace, 'CREATE') AS create
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_roles r ON r.rolname = current_user
      WHERE c.oid = to_regclass($1)`,
    [quoteIdentifier(table)],
  );
  const [row] = rows;
  if (!row)
    throw new RoleSetupError(`table ${table} does not exist or is not visible to this role`);
  // A superuser may do anything: naming every privilege it implies would say nothing more.
  if (row.superuser) return { role: row.role, excess: ['superuser'] };
  const excess = [
    row.owner && `owner of ${table}`,
    ...(['update', 'delete', 'truncate', 'trigger'] as const).map(
      (privilege) => row[privilege] && `${privilege.toUpperCase()} on ${table}`,
    ),
    row.create && `CREATE in schema ${row.schema}`,
    row.createrole && 'CREATEROLE',
  ].filter((power): power is string => typeof power === 'string');
  return { role: row.role, excess };
}
