-- A change holds the resource as the contract's JSON, as nml-listings'
-- does (its migration 006): the triggers build it with the *_doc functions
-- below, and a reader parses it as the resource's message instead of
-- reading the row back through SQL. A response's stakeholder name and type
-- are those of when it was written.

-- google.protobuf.Timestamp's JSON form, to the microsecond the column holds.
CREATE FUNCTION proto_time(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

CREATE FUNCTION stakeholder_doc(s stakeholders) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'name', 'stakeholders/' || s.id,
    'display_name', s.display_name,
    'aliases', to_jsonb(s.aliases),
    'type', s.type,
    'country_code', s.country_code,
    'etag', s.revision::text,
    'create_time', proto_time(s.create_time),
    'update_time', proto_time(s.update_time))
$$;

CREATE FUNCTION response_doc(r responses) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
    'name', 'responses/' || r.id,
    'stakeholder', 'stakeholders/' || r.stakeholder_id,
    'review_year', r.review_year,
    'targets', to_jsonb(r.targets),
    'stance', r.stance,
    'summary', r.summary,
    'quote', r.quote,
    'commitments', to_jsonb(r.commitments),
    'channel', r.channel,
    'stated_on', CASE WHEN coalesce(r.stated_year, 0) <> 0 THEN
      jsonb_build_object('year', r.stated_year, 'month', r.stated_month,
                         'day', r.stated_day) END,
    'source_url', r.source_url,
    'etag', r.revision::text,
    'create_time', proto_time(r.create_time),
    'update_time', proto_time(r.update_time),
    'delete_time', proto_time(r.delete_time),
    'stakeholder_display_name',
      (SELECT s.display_name FROM stakeholders s WHERE s.id = r.stakeholder_id),
    'stakeholder_type', r.stakeholder_type))
$$;

CREATE OR REPLACE FUNCTION record_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM bump_data_version_now();
  IF TG_OP = 'DELETE' THEN
    INSERT INTO changes (data_version, resource, kind)
      SELECT version,
        CASE TG_TABLE_NAME WHEN 'responses' THEN 'responses/'
        ELSE 'stakeholders/' END || OLD.id,
        2
      FROM data_state;
  ELSIF TG_TABLE_NAME = 'responses' THEN
    INSERT INTO changes (data_version, resource, kind, body)
      SELECT version, 'responses/' || NEW.id, 1, response_doc(NEW)
      FROM data_state;
  ELSE
    INSERT INTO changes (data_version, resource, kind, body)
      SELECT version, 'stakeholders/' || NEW.id, 1, stakeholder_doc(NEW)
      FROM data_state;
  END IF;
  RETURN NULL;
END;
$$;

-- The changes recorded before, as rows, become documents.
UPDATE changes
SET body = CASE WHEN resource LIKE 'responses/%'
  THEN response_doc(jsonb_populate_record(NULL::responses, body))
  ELSE stakeholder_doc(jsonb_populate_record(NULL::stakeholders, body)) END
WHERE kind = 1;
