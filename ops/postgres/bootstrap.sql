-- Herald on PostgreSQL: the role and database of a production install.
--
-- Run once as a superuser (or a role with CREATEROLE and CREATEDB), naming the role, its password and the database:
--
--   psql "postgres://postgres@db.internal:5432/postgres" -v role=herald -v database=herald \
--        -v password='long-random-secret' -f ops/postgres/bootstrap.sql
--
-- then point every Herald instance at it; `herald migrate` (or the first `herald serve`) creates the tables:
--
--   HERALD_DATABASE_URL='postgres://herald:long-random-secret@db.internal:5432/herald?sslmode=require&pool_max=20'
--
-- The role owns the database and everything migrations create in it, and nothing else: no superuser, no CREATEROLE,
-- no CREATEDB. pool_max is per instance: keep instances × pool_max (+1 per instance for LISTEN) below the server's
-- max_connections.
\set ON_ERROR_STOP on

\if :{?role}
\else
\set role herald
\endif
\if :{?database}
\else
\set database herald
\endif
\if :{?password}
\else
DO $$ BEGIN RAISE EXCEPTION 'bootstrap.sql: give the role a password with -v password=...'; END $$;
\endif

CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE :"database" OWNER :"role" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"role";

\connect :"database"
-- Only Herald's role creates objects in its database.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"role";
