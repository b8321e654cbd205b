-- The PostgreSQL benchmark's many-tables database (bench/run-pg-bench.sh): :tables small tables
-- app_t0001 ... with a primary key, a text, a numeric and a timestamptz column and 1-5 rows each.
-- Deterministic. Run with psql -X -v ON_ERROR_STOP=1 -v tables=5000 -d EMPTY_DATABASE -f bench/sql/pg-bench-many-tables.sql
SET synchronous_commit = off;          -- loading only
SET client_min_messages = warning;
SELECT set_config('bench.tables', :'tables', false) AS tables \gset
DO $$
DECLARE
    n integer := current_setting('bench.tables')::integer;
    t text;
BEGIN
    FOR i IN 1..n LOOP
        t := 'app_t' || lpad(i::text, 4, '0');
        EXECUTE format('CREATE TABLE %I (id integer PRIMARY KEY, name text NOT NULL, amount numeric(10,2), created_at timestamptz NOT NULL)', t);
        EXECUTE format('INSERT INTO %I SELECT k, %L || k, round((k * 7.25 + %s)::numeric, 2), '
                       'timestamptz ''2024-01-01 00:00:00+00'' + (k + %s) * interval ''1 hour'' FROM generate_series(1, %s) k',
                       t, 'row of ' || t || ' #', i, i, 1 + i % 5);
        IF i % 250 = 0 THEN
            COMMIT;    -- a few thousand locks per transaction at most
        END IF;
    END LOOP;
END
$$;
VACUUM (FREEZE, ANALYZE);
