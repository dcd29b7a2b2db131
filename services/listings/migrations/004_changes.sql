-- The change feed (ListChanges): every write's changes, recorded in the
-- transaction that makes them, with the data version it made.
CREATE TABLE changes (
  seq bigserial PRIMARY KEY,
  data_version bigint NOT NULL,
  resource text NOT NULL,
  kind smallint NOT NULL CHECK (kind IN (1, 2)),  -- 1 written, 2 deleted
  body bytea NOT NULL DEFAULT '',  -- the resource as stored (protobuf)
  create_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX changes_data_version ON changes (data_version, seq);
-- The log holds every change after this version: writes before the feed
-- existed, and pruned ones, are not in it.
ALTER TABLE data_state ADD COLUMN changes_after bigint;
UPDATE data_state SET changes_after = version;
ALTER TABLE data_state ALTER COLUMN changes_after SET NOT NULL;
