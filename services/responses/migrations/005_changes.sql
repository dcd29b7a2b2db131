-- The change feed (ListChanges, WatchChanges): every stakeholder and
-- response as written, recorded by row triggers in the transaction that
-- writes it, with the data version that transaction makes. Triggers, so no
-- write path (an import's set-based insert, a fix made in SQL) can skip it.
CREATE TABLE changes (
  seq bigserial PRIMARY KEY,
  data_version bigint NOT NULL,
  resource text NOT NULL,
  kind smallint NOT NULL CHECK (kind IN (1, 2)),  -- 1 written, 2 deleted
  body jsonb,  -- the row as written; NULL for a deletion
  create_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX changes_data_version ON changes (data_version, seq);
-- The log holds every change after `changes_after`: writes before the feed
-- existed, and pruned ones, are not in it. It keeps `changes_retained`
-- data versions (the service sets it from --changes-retained-versions).
ALTER TABLE data_state ADD COLUMN changes_after bigint;
-- With no rows yet, nothing is missing: the log is complete from 0.
UPDATE data_state SET changes_after =
  CASE WHEN EXISTS (SELECT FROM stakeholders) THEN version ELSE 0 END;
ALTER TABLE data_state ALTER COLUMN changes_after SET NOT NULL;
ALTER TABLE data_state
  ADD COLUMN changes_retained bigint NOT NULL DEFAULT 100000
  CHECK (changes_retained > 0);

-- Bumps the version once per transaction (the first row or statement
-- trigger of the transaction does; the rest find it done), and that first
-- time prunes the log and tells every instance the version it made
-- (NOTIFY, delivered at commit).
CREATE FUNCTION bump_data_version_now() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  bumped bigint;
  kept bigint;
BEGIN
  UPDATE data_state SET version = version + 1, bumped_by = pg_current_xact_id()
    WHERE bumped_by IS DISTINCT FROM pg_current_xact_id()
    RETURNING version, changes_retained INTO bumped, kept;
  IF bumped IS NOT NULL THEN
    IF bumped - kept > (SELECT changes_after FROM data_state) THEN
      UPDATE data_state SET changes_after = bumped - kept;
      DELETE FROM changes WHERE data_version <= bumped - kept;
    END IF;
    PERFORM pg_notify('nml_responses_changed', bumped::text);
  END IF;
END;
$$;

CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM bump_data_version_now();
  RETURN NULL;
END;
$$;

-- Row triggers run before the statement triggers: the row's change is
-- recorded with the version its transaction makes.
CREATE FUNCTION record_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prefix text := CASE TG_TABLE_NAME WHEN 'responses' THEN 'responses/'
                 ELSE 'stakeholders/' END;
BEGIN
  PERFORM bump_data_version_now();
  IF TG_OP = 'DELETE' THEN
    INSERT INTO changes (data_version, resource, kind)
      SELECT version, prefix || OLD.id, 2 FROM data_state;
  ELSE
    INSERT INTO changes (data_version, resource, kind, body)
      SELECT version, prefix || NEW.id, 1, to_jsonb(NEW) FROM data_state;
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER stakeholders_record_change
  AFTER INSERT OR UPDATE OR DELETE ON stakeholders
  FOR EACH ROW EXECUTE FUNCTION record_change();
CREATE TRIGGER responses_record_change
  AFTER INSERT OR UPDATE OR DELETE ON responses
  FOR EACH ROW EXECUTE FUNCTION record_change();
