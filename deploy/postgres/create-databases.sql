-- Runs once, on an empty data volume. POSTGRES_DB creates `audit`; retention gets its own database
-- because both apps keep TypeORM's default `migrations` table, which must not be shared.
CREATE DATABASE retention;
