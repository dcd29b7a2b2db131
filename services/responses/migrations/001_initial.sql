-- Responses schema: stakeholders and what they said. Enum columns hold the
-- proto enum numbers (nml.responses.v1).

-- A number that grows with every committed write (once per transaction),
-- served as `data_version`.
CREATE TABLE data_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version bigint NOT NULL DEFAULT 0,
  bumped_by xid8
);
INSERT INTO data_state (singleton) VALUES (true);

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_state SET version = version + 1, bumped_by = pg_current_xact_id()
    WHERE bumped_by IS DISTINCT FROM pg_current_xact_id();
  RETURN NULL;
END;
$$;

CREATE TABLE stakeholders (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 300),
  aliases text[] NOT NULL DEFAULT '{}',
  type smallint NOT NULL CHECK (type BETWEEN 1 AND 6),
  country_code text NOT NULL DEFAULT '' CHECK (country_code ~ '^([A-Z]{2})?$'),
  revision bigint NOT NULL DEFAULT 1,
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX stakeholders_display_name ON stakeholders (lower(display_name));

-- `seq` orders responses for keyset pagination; `id` is the public id.
CREATE TABLE responses (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  stakeholder_id text NOT NULL REFERENCES stakeholders (id),
  review_year integer NOT NULL CHECK (review_year BETWEEN 2006 AND 2100),
  targets text[] NOT NULL CHECK (cardinality(targets) BETWEEN 1 AND 50),
  stance smallint NOT NULL CHECK (stance BETWEEN 1 AND 7),
  summary text NOT NULL,
  quote text NOT NULL DEFAULT '',
  commitments text[] NOT NULL DEFAULT '{}',
  channel smallint NOT NULL DEFAULT 0 CHECK (channel BETWEEN 0 AND 6),
  stated_year integer,
  stated_month integer NOT NULL DEFAULT 0 CHECK (stated_month BETWEEN 0 AND 12),
  stated_day integer NOT NULL DEFAULT 0 CHECK (stated_day BETWEEN 0 AND 31),
  source_url text NOT NULL,
  revision bigint NOT NULL DEFAULT 1,
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now(),
  delete_time timestamptz,
  -- "YYYY-MM-DD" with 00 for an unknown month or day: sorts and compares
  -- like the date it stands for.
  stated_on_key text GENERATED ALWAYS AS (
    lpad(coalesce(stated_year, 0)::text, 4, '0') || '-' ||
    lpad(stated_month::text, 2, '0') || '-' || lpad(stated_day::text, 2, '0')
  ) STORED
);
-- Keyset pagination: every list orders by one of these and then `seq`.
CREATE INDEX responses_stakeholder ON responses (stakeholder_id, seq);
CREATE INDEX responses_review_year ON responses (review_year, seq);
CREATE INDEX responses_stated_on ON responses (stated_on_key, seq);
CREATE INDEX responses_targets ON responses USING gin (targets);

CREATE TABLE idempotency_keys (
  request_id text PRIMARY KEY,
  method text NOT NULL,
  request_hash text NOT NULL,
  response bytea NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER stakeholders_changed
  AFTER INSERT OR UPDATE OR DELETE ON stakeholders
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER responses_changed AFTER INSERT OR UPDATE OR DELETE ON responses
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
