-- The change notification carries the data version it announces, so an
-- instance that already serves that version (it made the write itself)
-- does not read everything again.
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  current_version bigint;
BEGIN
  UPDATE data_state SET version = version + 1, bumped_by = pg_current_xact_id()
    WHERE bumped_by IS DISTINCT FROM pg_current_xact_id();
  SELECT version INTO current_version FROM data_state;
  -- Identical notifications in one transaction are delivered once.
  PERFORM pg_notify('nml_listings_changed', current_version::text);
  RETURN NULL;
END;
$$;
