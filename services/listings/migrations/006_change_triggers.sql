-- The change log is recorded by row triggers, as nml-responses' is, so no
-- write path (an import's set-based statements, a fix made in SQL) can skip
-- it. A change holds the resource as the contract's JSON (`doc`), built from
-- its rows by the *_doc functions below; a market's change is recomputed
-- whenever its row or one of its domains changes, so it ends up with the
-- domains its transaction leaves. Changes recorded before this migration keep
-- their protobuf `body` (point-in-time screening replays them).
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
CREATE FUNCTION proto_time(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

CREATE FUNCTION operator_doc(o operators) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'name', 'operators/' || o.id,
    'display_name', o.display_name,
    'aliases', to_jsonb(o.aliases),
    'country_code', o.country_code,
    'etag', o.revision::text,
    'create_time', proto_time(o.create_time),
    'update_time', proto_time(o.update_time))
$$;

CREATE FUNCTION market_doc(m markets) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
    'name', 'markets/' || m.id,
    'display_name', m.display_name,
    'aliases', to_jsonb(m.aliases),
    'kind', m.kind,
    'country_code', m.country_code,
    'city', m.city,
    'operator', 'operators/' || m.operator_id,
    'domains', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'pattern', d.pattern, 'scope', d.scope)
                  ORDER BY d.position), '[]')
                FROM market_domains d WHERE d.market_id = m.id),
    'etag', m.revision::text,
    'create_time', proto_time(m.create_time),
    'update_time', proto_time(m.update_time),
    'merged_markets', (SELECT coalesce(jsonb_agg('markets/' || u.id
                         ORDER BY u.n), '[]')
                       FROM unnest(m.merged_ids) WITH ORDINALITY AS u(id, n))))
$$;

CREATE FUNCTION review_doc(r reviews) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
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
    'physical_complete_source_url', r.physical_complete_source_url))
$$;

CREATE FUNCTION listing_doc(l listings) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'name', 'reviews/' || l.year || '/listings/' || l.market_id,
    'market', 'markets/' || l.market_id,
    'infringement_types', to_jsonb(l.infringement_types),
    'summary', l.summary,
    'source_url', l.source_url,
    'reported_first_year', l.reported_first_year,
    'confidence', l.confidence,
    'etag', l.revision::text,
    'create_time', proto_time(l.create_time),
    'update_time', proto_time(l.update_time))
$$;

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

-- Records `name` as `resource_doc` (NULL: deleted) at this transaction's
-- version, replacing what the version recorded of it before: the change
-- keeps the place of the resource's first change in the version.
CREATE FUNCTION record_change_of(name text, resource_doc jsonb) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO changes (data_version, resource, kind, doc)
    VALUES (bump_data_version_now(), name,
            CASE WHEN resource_doc IS NULL THEN 2 ELSE 1 END,  -- ChangeKind
            resource_doc)
  ON CONFLICT (data_version, resource)
    DO UPDATE SET kind = EXCLUDED.kind, doc = EXCLUDED.doc, body = ''
$$;

-- Row triggers run before the statement triggers: each change is recorded
-- with the version its transaction makes.
-- Each table's fields are named only in its own branch: PL/pgSQL plans an
-- expression with the row type of the table that fired.
CREATE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'market_domains' THEN
    -- The market as its domains now stand; its own trigger records its
    -- deletion (a deleted market's domains go with it).
    IF TG_OP = 'DELETE' THEN
      PERFORM record_change_of('markets/' || m.id, market_doc(m))
        FROM markets m WHERE m.id = OLD.market_id;
    ELSE
      PERFORM record_change_of('markets/' || m.id, market_doc(m))
        FROM markets m WHERE m.id = NEW.market_id;
    END IF;
  ELSIF TG_TABLE_NAME = 'operators' THEN
    IF TG_OP = 'DELETE' THEN
      PERFORM record_change_of('operators/' || OLD.id, NULL);
    ELSE
      PERFORM record_change_of('operators/' || NEW.id, operator_doc(NEW));
    END IF;
  ELSIF TG_TABLE_NAME = 'markets' THEN
    IF TG_OP = 'DELETE' THEN
      PERFORM record_change_of('markets/' || OLD.id, NULL);
    ELSE
      PERFORM record_change_of('markets/' || NEW.id, market_doc(NEW));
    END IF;
  ELSIF TG_TABLE_NAME = 'reviews' THEN
    IF TG_OP = 'DELETE' THEN
      PERFORM record_change_of('reviews/' || OLD.year, NULL);
    ELSE
      PERFORM record_change_of('reviews/' || NEW.year, review_doc(NEW));
    END IF;
  ELSIF TG_OP = 'DELETE' THEN  -- listings
    PERFORM record_change_of(
      'reviews/' || OLD.year || '/listings/' || OLD.market_id, NULL);
  ELSE
    PERFORM record_change_of(
      'reviews/' || NEW.year || '/listings/' || NEW.market_id,
      listing_doc(NEW));
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER operators_record_change
  AFTER INSERT OR UPDATE OR DELETE ON operators
  FOR EACH ROW EXECUTE FUNCTION record_change();
CREATE TRIGGER markets_record_change
  AFTER INSERT OR UPDATE OR DELETE ON markets
  FOR EACH ROW EXECUTE FUNCTION record_change();
CREATE TRIGGER market_domains_record_change
  AFTER INSERT OR UPDATE OR DELETE ON market_domains
  FOR EACH ROW EXECUTE FUNCTION record_change();
CREATE TRIGGER reviews_record_change
  AFTER INSERT OR UPDATE OR DELETE ON reviews
  FOR EACH ROW EXECUTE FUNCTION record_change();
CREATE TRIGGER listings_record_change
  AFTER INSERT OR UPDATE OR DELETE ON listings
  FOR EACH ROW EXECUTE FUNCTION record_change();
