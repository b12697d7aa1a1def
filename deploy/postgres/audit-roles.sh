#!/bin/sh
# Runs once, on an empty data volume (the postgres image runs it as POSTGRES_USER, in POSTGRES_DB):
# the audit database's two roles. The owner runs the migrations (init-audit), which create the
# tables and grant the app role SELECT and INSERT on them; the app role gets nothing here.
# By hand, on an existing volume: docker compose exec postgres /docker-entrypoint-initdb.d/audit-roles.sh
set -eu
psql -X -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v database="$POSTGRES_DB" \
  -v owner="${AUDIT_OWNER_ROLE:-audit_owner}" \
  -v owner_password="${AUDIT_OWNER_PASSWORD:?set AUDIT_OWNER_PASSWORD}" \
  -v app="${AUDIT_APP_ROLE:-audit_app}" \
  -v app_password="${AUDIT_APP_PASSWORD:?set AUDIT_APP_PASSWORD}" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';
-- The owner creates the audit tables in public and grants on them.
ALTER SCHEMA public OWNER TO :"owner";
-- No one else creates objects here: no tables in public (PUBLIC could before PostgreSQL 15),
-- no temporary tables.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE TEMPORARY ON DATABASE :"database" FROM PUBLIC;
SQL
