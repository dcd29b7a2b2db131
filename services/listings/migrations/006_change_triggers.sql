-- The change log is recorded by triggers, as nml-responses' is, so no write
-- path (an import's set-based statements, a fix made in SQL) can skip it. A
-- change holds the resource as the contract's JSON (`doc`), read from the
-- *_docs views below; a market's change is recomputed whenever its row or
-- one of its domains changes, so it ends up with the domains its
-- transaction leaves. Changes recorded before this migration keep their
-- protobuf `body` (point-in-time screening replays them).
ALTER TABLE changes ADD COLUMN doc jsonb;

-- One change per resource and data version: the state the version leaves.
-- Earlier duplicates, if any, say nothing the last one does not.
DELETE FROM changes a USING changes b
WHERE a.data_version = b.data_version AND a.resource = b.resource
  AND a.seq < b.seq;
CREATE UNIQUE INDEX changes_version_resource ON changes (data_version, resource);

-- The log keeps `changes_retained` data versions; the service sets it from
-- --changes-retained-versions.
ALTER TABLE data_state
  ADD COLUMN changes_retained bigint NOT NULL DEFAULT 100000
  CHECK (changes_retained > 0);

-- google.protobuf.Timestamp's JSON form, to the microsecond the column holds.
-- (STABLE as to_char is, so that it is inlined where it is used.)
CREATE FUNCTION proto_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- Each resource as the contract's JSON, keyed as its table is.
CREATE VIEW operator_docs AS
SELECT o.id,
  jsonb_build_object(
    'name', 'operators/' || o.id,
    'display_name', o.display_name,
    'aliases', to_jsonb(o.aliases),
    'country_code', o.country_code,
    'etag', o.revision::text,
    'create_time', proto_time(o.create_time),
    'update_time', proto_time(o.update_time)) AS doc
FROM operators o;

CREATE VIEW market_docs AS
SELECT m.id,
  jsonb_strip_nulls(jsonb_build_object(
    'name', 'markets/' || m.id,
    'display_name', m.display_name,
    'aliases', to_jsonb(m.aliases),
    'kind', m.kind,
    'country_code', m.country_code,
    'city', m.city,
    'operator', 'operators/' || m.operator_id,
    'domains', coalesce(d.domains, '[]'),
    'etag', m.revision::text,
    'create_time', proto_time(m.create_time),
    'update_time', proto_time(m.update_time),
    'merged_markets', coalesce(g.merged, '[]'))) AS doc
FROM markets m
LEFT JOIN LATERAL (
  SELECT jsonb_agg(jsonb_build_object('pattern', pattern, 'scope', scope)
                   ORDER BY position) AS domains
  FROM market_domains WHERE market_id = m.id) d ON true
LEFT JOIN LATERAL (
  SELECT jsonb_agg('markets/' || u.id ORDER BY u.n) AS merged
  FROM unnest(m.merged_ids) WITH ORDINALITY AS u(id, n)) g ON true;

CREATE VIEW review_docs AS
SELECT r.year,
  jsonb_strip_nulls(jsonb_build_object(
    'name', 'reviews/' || r.year,
    'year', r.year,
    'title', r.title,
    'published_on', CASE WHEN r.published_on IS NOT NULL THEN
      jsonb_build_object('year', extract(year FROM r.published_on)::int,
                         'month', extract(month FROM r.published_on)::int,
                         'day', extract(day FROM r.published_on)::int) END,
    'declared_online_count', r.declared_online_count,
    'declared_physical_count', r.declared_physical_count,
    'state', r.state,
    'source_url', r.source_url,
    'comment_docket_id', r.comment_docket_id,
    'etag', r.revision::text,
    'create_time', proto_time(r.create_time),
    'update_time', proto_time(r.update_time),
    'online_complete_source_url', r.online_complete_source_url,
    'physical_complete_source_url', r.physical_complete_source_url)) AS doc
FROM reviews r;

CREATE VIEW listing_docs AS
SELECT l.year,
  l.market_id,
  jsonb_build_object(
    'name', 'reviews/' || l.year || '/listings/' || l.market_id,
    'market', 'markets/' || l.market_id,
    'infringement_types', to_jsonb(l.infringement_types),
    'summary', l.summary,
    'source_url', l.source_url,
    'reported_first_year', l.reported_first_year,
    'confidence', l.confidence,
    'etag', l.revision::text,
    'create_time', proto_time(l.create_time),
    'update_time', proto_time(l.update_time)) AS doc
FROM listings l;

-- Bumps the version once per transaction (the first row or statement
-- trigger of the transaction does; the rest find it done), and that first
-- time prunes the log and tells every instance the version it made
-- (NOTIFY, delivered at commit; an instance that already serves that
-- version, because it made the write, does not read everything again).
CREATE FUNCTION bump_data_version_now() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  bumped bigint;
  kept bigint;
BEGIN
  UPDATE data_state SET version = version + 1, bumped_by = pg_current_xact_id()
    WHERE bumped_by IS DISTINCT FROM pg_current_xact_id()
    RETURNING version, changes_retained INTO bumped, kept;
  IF bumped IS NULL THEN
    RETURN (SELECT version FROM data_state);
  END IF;
  IF bumped - kept > (SELECT changes_after FROM data_state) THEN
    UPDATE data_state SET changes_after = bumped - kept;
    DELETE FROM changes WHERE data_version <= bumped - kept;
  END IF;
  PERFORM pg_notify('nml_listings_changed', bumped::text);
  RETURN bumped;
END;
$$;

CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM bump_data_version_now();
  RETURN NULL;
END;
$$;

-- Records a statement's changes, one per resource (`doc` NULL: deleted),
-- at this transaction's version, in one INSERT whatever the number of rows:
-- statement triggers with transition tables, the documents read set-based
-- from the views (row triggers with a function per row cost 0.1 ms a row,
-- 2.5x a 5,000-row import). A resource the version recorded before is
-- replaced and keeps its place. Each table's fields are named only in its
-- own branch, as PL/pgSQL plans a statement for the table that fired.
CREATE FUNCTION record_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  names text[];
  docs jsonb[];
BEGIN
  IF TG_TABLE_NAME = 'market_domains' THEN
    -- Each market as its domains now stand; a deleted market's own trigger
    -- records its deletion.
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg('markets/' || d.id), array_agg(d.doc) INTO names, docs
        FROM market_docs d WHERE d.id IN (SELECT market_id FROM new_rows);
    ELSIF TG_OP = 'UPDATE' THEN
      SELECT array_agg('markets/' || d.id), array_agg(d.doc) INTO names, docs
        FROM market_docs d WHERE d.id IN (SELECT market_id FROM new_rows
                                          UNION SELECT market_id FROM old_rows);
    ELSE
      SELECT array_agg('markets/' || d.id), array_agg(d.doc) INTO names, docs
        FROM market_docs d WHERE d.id IN (SELECT market_id FROM old_rows);
    END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF TG_TABLE_NAME = 'listings' THEN
      SELECT array_agg('reviews/' || o.year || '/listings/' || o.market_id)
        INTO names FROM old_rows o;
    ELSIF TG_TABLE_NAME = 'reviews' THEN
      SELECT array_agg('reviews/' || o.year) INTO names FROM old_rows o;
    ELSIF TG_TABLE_NAME = 'markets' THEN
      SELECT array_agg('markets/' || o.id) INTO names FROM old_rows o;
    ELSE
      SELECT array_agg('operators/' || o.id) INTO names FROM old_rows o;
    END IF;
  ELSIF TG_TABLE_NAME = 'operators' THEN
    SELECT array_agg('operators/' || d.id), array_agg(d.doc) INTO names, docs
      FROM operator_docs d WHERE d.id IN (SELECT id FROM new_rows);
  ELSIF TG_TABLE_NAME = 'markets' THEN
    SELECT array_agg('markets/' || d.id), array_agg(d.doc) INTO names, docs
      FROM market_docs d WHERE d.id IN (SELECT id FROM new_rows);
  ELSIF TG_TABLE_NAME = 'reviews' THEN
    SELECT array_agg('reviews/' || d.year), array_agg(d.doc) INTO names, docs
      FROM review_docs d WHERE d.year IN (SELECT year FROM new_rows);
  ELSE
    SELECT array_agg('reviews/' || d.year || '/listings/' || d.market_id),
        array_agg(d.doc)
      INTO names, docs
      FROM listing_docs d
      WHERE (d.year, d.market_id) IN (SELECT year, market_id FROM new_rows);
  END IF;
  IF names IS NOT NULL THEN
    INSERT INTO changes (data_version, resource, kind, doc)
      SELECT bump_data_version_now(), u.name,
        CASE WHEN u.doc IS NULL THEN 2 ELSE 1 END,  -- ChangeKind
        u.doc
      FROM unnest(names, coalesce(docs, '{}')) WITH ORDINALITY AS u(name, doc, n)
      ORDER BY u.n
    ON CONFLICT (data_version, resource)
      DO UPDATE SET kind = EXCLUDED.kind, doc = EXCLUDED.doc, body = '';
  END IF;
  RETURN NULL;
END;
$$;

-- Three triggers a table, as a transition table belongs to one event.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['operators', 'markets', 'market_domains', 'reviews',
                           'listings'] LOOP
    EXECUTE format('CREATE TRIGGER %1$s_record_inserts AFTER INSERT ON %1$I '
      'REFERENCING NEW TABLE AS new_rows '
      'FOR EACH STATEMENT EXECUTE FUNCTION record_changes()', t);
    EXECUTE format('CREATE TRIGGER %1$s_record_updates AFTER UPDATE ON %1$I '
      'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
      'FOR EACH STATEMENT EXECUTE FUNCTION record_changes()', t);
    EXECUTE format('CREATE TRIGGER %1$s_record_deletes AFTER DELETE ON %1$I '
      'REFERENCING OLD TABLE AS old_rows '
      'FOR EACH STATEMENT EXECUTE FUNCTION record_changes()', t);
  END LOOP;
END;
$$;
