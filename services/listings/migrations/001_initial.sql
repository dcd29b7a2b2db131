-- Listings schema: reviews, operators, markets and their domains, listings.
-- Enum columns hold the proto enum numbers (nml.listings.v1).

-- One row: a number that grows with every committed write, served as
-- `data_version`, and the time of the last import. Writers bump it through
-- the statement triggers below and NOTIFY listeners, who reload their
-- snapshot.
CREATE TABLE data_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version bigint NOT NULL DEFAULT 0,
  -- The transaction that last bumped `version`: one bump per transaction.
  bumped_by xid8,
  last_import_time timestamptz
);
INSERT INTO data_state (singleton) VALUES (true);

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_state SET version = version + 1, bumped_by = pg_current_xact_id()
    WHERE bumped_by IS DISTINCT FROM pg_current_xact_id();
  -- Identical notifications in one transaction are delivered once.
  PERFORM pg_notify('nml_listings_changed', '');
  RETURN NULL;
END;
$$;

CREATE TABLE operators (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  aliases text[] NOT NULL DEFAULT '{}',
  country_code text NOT NULL DEFAULT '' CHECK (country_code ~ '^([A-Z]{2})?$'),
  revision bigint NOT NULL DEFAULT 1,
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE markets (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  aliases text[] NOT NULL DEFAULT '{}',
  kind smallint NOT NULL CHECK (kind IN (1, 2)),
  country_code text NOT NULL DEFAULT '' CHECK (country_code ~ '^([A-Z]{2})?$'),
  city text NOT NULL DEFAULT '',
  operator_id text REFERENCES operators (id),
  revision bigint NOT NULL DEFAULT 1,
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX markets_operator_id ON markets (operator_id);

-- A domain belongs to one market at most: screening must be unambiguous.
CREATE TABLE market_domains (
  pattern text PRIMARY KEY CHECK (pattern ~ '^[a-z0-9.-]+$'),
  market_id text NOT NULL REFERENCES markets (id) ON DELETE CASCADE,
  scope smallint NOT NULL CHECK (scope IN (1, 2, 3)),
  position integer NOT NULL DEFAULT 0
);
CREATE INDEX market_domains_market_id ON market_domains (market_id);

CREATE TABLE reviews (
  year integer PRIMARY KEY CHECK (year BETWEEN 2006 AND 2100),
  title text NOT NULL DEFAULT '',
  published_on date,
  declared_online_count integer NOT NULL DEFAULT 0
    CHECK (declared_online_count >= 0),
  declared_physical_count integer NOT NULL DEFAULT 0
    CHECK (declared_physical_count >= 0),
  state smallint NOT NULL DEFAULT 1 CHECK (state IN (1, 2)),
  source_url text NOT NULL DEFAULT '',
  comment_docket_id text NOT NULL DEFAULT '',
  revision bigint NOT NULL DEFAULT 1,
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE listings (
  year integer NOT NULL REFERENCES reviews (year) ON DELETE CASCADE,
  market_id text NOT NULL REFERENCES markets (id),
  infringement_types smallint[] NOT NULL DEFAULT '{}',
  summary text NOT NULL DEFAULT '',
  source_url text NOT NULL DEFAULT '',
  reported_first_year integer NOT NULL DEFAULT 0,
  revision bigint NOT NULL DEFAULT 1,
  create_time timestamptz NOT NULL DEFAULT now(),
  update_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (year, market_id)
);
CREATE INDEX listings_market_id ON listings (market_id);

-- The first answer to each idempotent request, replayed on retries.
CREATE TABLE idempotency_keys (
  request_id text PRIMARY KEY,
  method text NOT NULL,
  request_hash text NOT NULL,
  response bytea NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER operators_changed AFTER INSERT OR UPDATE OR DELETE ON operators
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER markets_changed AFTER INSERT OR UPDATE OR DELETE ON markets
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER market_domains_changed
  AFTER INSERT OR UPDATE OR DELETE ON market_domains
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER reviews_changed AFTER INSERT OR UPDATE OR DELETE ON reviews
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER listings_changed AFTER INSERT OR UPDATE OR DELETE ON listings
  FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
