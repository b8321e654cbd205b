-- A compact schema touching most object kinds, with hostile data. Loaded by psql-free JDBC.
CREATE SCHEMA app;
CREATE SCHEMA "Mixed Case";
COMMENT ON SCHEMA app IS 'the application''s schema';
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'glad', 'it''s complicated');
CREATE TYPE app.point3 AS (x double precision, y double precision, label text COLLATE "C");
CREATE TYPE app.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE DOMAIN app.email AS text COLLATE "C" DEFAULT 'nobody@example.org' NOT NULL CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');
CREATE DOMAIN app.positive AS integer CHECK (VALUE > 0);
ALTER DOMAIN app.positive ADD CONSTRAINT small CHECK (VALUE < 1000000) NOT VALID;
COMMENT ON TYPE app.mood IS 'how it went';
CREATE SEQUENCE app.odd_seq AS integer START WITH 100 INCREMENT BY -3 MINVALUE -50 MAXVALUE 100 CACHE 5 CYCLE;
CREATE FUNCTION app.default_title() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'untitled'::text $$;
CREATE FUNCTION app.is_even(n integer) RETURNS boolean LANGUAGE sql IMMUTABLE RETURN n % 2 = 0;
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
COMMENT ON FUNCTION app.is_even(integer) IS 'parity';

CREATE TABLE app.users (
    id bigint GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY,
    email app.email UNIQUE,
    name text NOT NULL DEFAULT '',
    nick varchar(30) COLLATE "C",
    mood app.mood,
    logins integer NOT NULL DEFAULT 0 CHECK (logins >= 0),
    score numeric(12,3),
    ratio double precision,
    born date,
    seen timestamptz,
    tags text[],
    meta jsonb,
    avatar bytea,
    updated_at timestamptz,
    name_upper text GENERATED ALWAYS AS (upper(name)) STORED,
    dropme integer
) WITH (fillfactor = 80, autovacuum_enabled = false);
ALTER TABLE app.users DROP COLUMN dropme;
ALTER TABLE app.users ALTER COLUMN meta SET STORAGE EXTERNAL;
ALTER TABLE app.users ALTER COLUMN name SET STATISTICS 500;
COMMENT ON TABLE app.users IS 'people';
CREATE PROCEDURE app.reset_counts() LANGUAGE sql BEGIN ATOMIC UPDATE app.users SET logins = 0; END;
COMMENT ON COLUMN app.users.email IS 'login, unique';

CREATE TABLE app.posts (
    id serial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES app.users (id) ON DELETE CASCADE,
    title text NOT NULL DEFAULT app.default_title(),
    body text,
    n integer CHECK (app.is_even(n)),
    during app.floatrange,
    at point,
    EXCLUDE USING gist (during WITH &&)
);
CREATE INDEX posts_title_lower ON app.posts (lower(title)) WHERE body IS NOT NULL;
CREATE INDEX posts_user_desc ON app.posts (user_id DESC NULLS FIRST) INCLUDE (title);
CREATE INDEX users_tags_gin ON app.users USING gin (tags);
CREATE INDEX users_meta_gin ON app.users USING gin (meta jsonb_path_ops);
COMMENT ON INDEX app.posts_title_lower IS 'for search';

-- FK cycle
CREATE TABLE app.a (id int PRIMARY KEY, b_id int);
CREATE TABLE app.b (id int PRIMARY KEY, a_id int REFERENCES app.a (id) DEFERRABLE INITIALLY DEFERRED);
ALTER TABLE app.a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES app.b (id) ON UPDATE SET NULL NOT VALID;
ALTER TABLE app.a ADD CONSTRAINT a_positive CHECK (id > 0) NOT VALID;

CREATE TABLE "Mixed Case"."Order" ("select" int, "From" text, "user" text PRIMARY KEY);
CREATE UNLOGGED TABLE app.cache (k text PRIMARY KEY, v text);
CREATE TABLE app.empty (x int);

-- partitions
CREATE TABLE app.events (id bigint NOT NULL, at date NOT NULL, kind text, payload jsonb, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE app.events_2025 PARTITION OF app.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY RANGE (id);
CREATE TABLE app.events_2025_a PARTITION OF app.events_2025 FOR VALUES FROM (0) TO (3);
CREATE TABLE app.events_2025_other PARTITION OF app.events_2025 DEFAULT;
CREATE TABLE app.events_other PARTITION OF app.events DEFAULT;
CREATE INDEX events_kind ON app.events (kind);

-- inheritance
CREATE TABLE app.vehicle (id int, wheels int NOT NULL DEFAULT 4);
CREATE TABLE app.bike (bell boolean) INHERITS (app.vehicle);
ALTER TABLE app.bike ALTER COLUMN wheels SET DEFAULT 2;

CREATE VIEW app.active_users WITH (security_barrier = true) AS SELECT id, email, name FROM app.users WHERE logins > 0;
CREATE VIEW app.glad_users AS SELECT * FROM app.active_users WHERE name <> '' WITH CASCADED CHECK OPTION;
CREATE MATERIALIZED VIEW app.post_counts AS SELECT user_id, count(*) AS n FROM app.posts GROUP BY user_id;
CREATE UNIQUE INDEX post_counts_user ON app.post_counts (user_id);

CREATE TRIGGER users_touch BEFORE UPDATE ON app.users FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE TRIGGER users_touch_when BEFORE UPDATE ON app.users FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION app.touch();
CREATE TRIGGER posts_after AFTER INSERT ON app.posts FOR EACH STATEMENT EXECUTE FUNCTION app.touch();
ALTER TABLE app.posts DISABLE TRIGGER posts_after;
COMMENT ON TRIGGER users_touch ON app.users IS 'keeps updated_at';
CREATE RULE cache_no_delete AS ON DELETE TO app.cache DO INSTEAD NOTHING;

ALTER TABLE app.posts ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.posts FORCE ROW LEVEL SECURITY;
CREATE POLICY posts_read ON app.posts FOR SELECT TO PUBLIC USING (body IS NOT NULL);
CREATE POLICY posts_guard ON app.posts AS RESTRICTIVE FOR UPDATE USING (n >= 0) WITH CHECK (n < 1000);
COMMENT ON POLICY posts_read ON app.posts IS 'readers';

CREATE STATISTICS app.users_stats (dependencies, ndistinct) ON name, nick FROM app.users;

-- data
INSERT INTO app.users (email, name, nick, mood, logins, score, ratio, born, seen, tags, meta, avatar) VALUES
 ('a@x.org', 'Ann', NULL, 'glad', 3, 1.5, 'NaN', 'infinity', '-infinity', ARRAY['a', NULL, 'c'], '{"k": {"n": [1, 2, {"x": null}]}}', '\x00ff00'),
 ('b@x.org', '', '', 'it''s complicated', 0, 'NaN', 'Infinity', '-infinity', 'infinity', '{}', '[]', ''),
 ('c@x.org', E'tab\there\nnewline\\backslash\r\ncrlf', E'\\.', 'sad', 1, -0.0, '-Infinity', '2000-02-29', '2024-03-31 02:30:00+02', ARRAY[[1,2],[3,4]]::text[], 'null', decode(repeat('00', 10), 'hex')),
 ('d@x.org', 'emoji 😀 é ñ 中文 e' || chr(769), 'x', NULL, 2, NULL, -0.0, NULL, NULL, NULL, NULL, NULL),
 ('e@x.org', repeat('big', 4000000), 'big', 'ok', 5, 12345678.125, 1e-300, '0001-01-01', '1999-12-31 23:59:59.999999+00', ARRAY['\.', E'a\nb'], '{"deep": {"a": {"b": {"c": [true, false]}}}}', decode(repeat('00ff', 6000000), 'hex'));
INSERT INTO app.posts (user_id, title, body, n, during, at) VALUES
 (10, 'first', 'hello', 2, '[1,2)', '(1,2)'), (15, 'second', NULL, 4, '[3,4)', NULL), (20, E'line\n\\.\nafter', E'\\.', 0, NULL, '(0,0)');
INSERT INTO app.a VALUES (1, NULL), (2, NULL);
INSERT INTO app.b VALUES (1, 1), (2, 2);
UPDATE app.a SET b_id = id;
INSERT INTO "Mixed Case"."Order" VALUES (1, 'x', 'me'), (NULL, NULL, '');
INSERT INTO app.cache VALUES ('k', 'v');
INSERT INTO app.events VALUES (1, '2024-05-01', 'a', '{}'), (2, '2025-05-01', 'a', NULL), (3, '2025-06-01', 'z', '[1]'), (4, '2030-01-01', NULL, NULL);
INSERT INTO app.vehicle VALUES (1, 4);
INSERT INTO app.bike VALUES (2, 2, true);
SELECT setval('app.odd_seq', 40, false);
SELECT setval('app.posts_id_seq', 77);
REFRESH MATERIALIZED VIEW app.post_counts;
SELECT lo_from_bytea(434343, '\x0001020304');
