-- A change holds the resource as the contract's JSON, as nml-listings'
-- does (its migration 006): read from the *_docs views below, recorded by
-- statement triggers with transition tables in one INSERT per statement
-- (a document built per row by a row trigger made a 5,000-row import 25%
-- slower), and parsed by a reader as the resource's message instead of
-- read back through SQL. A response's stakeholder name is the one of when
-- it was written.

-- google.protobuf.Timestamp's JSON form, to the microsecond the column holds.
-- (STABLE as to_char is, so that it is inlined where it is used.)
CREATE FUNCTION proto_time(t timestamptz) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- The documents, as functions of a row, so that the changes recorded before
-- (rows as jsonb) are converted by the same code; without sub-queries, so
-- that PostgreSQL inlines them into the views.
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

CREATE FUNCTION response_doc(r responses, stakeholder_display_name text)
RETURNS jsonb LANGUAGE sql STABLE AS $$
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
    'stakeholder_display_name', stakeholder_display_name,
    'stakeholder_type', r.stakeholder_type))
$$;

CREATE VIEW stakeholder_docs AS
SELECT s.id, stakeholder_doc(s) AS doc FROM stakeholders s;

CREATE VIEW response_docs AS
SELECT r.id, response_doc(r, s.display_name) AS doc
FROM responses r
LEFT JOIN stakeholders s ON s.id = r.stakeholder_id;

-- Each statement's changes in one INSERT (005's row triggers go).
DROP TRIGGER stakeholders_record_change ON stakeholders;
DROP TRIGGER responses_record_change ON responses;
DROP FUNCTION record_change();

CREATE FUNCTION record_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prefix text := CASE TG_TABLE_NAME WHEN 'responses' THEN 'responses/'
                 ELSE 'stakeholders/' END;
  version bigint;
BEGIN
  PERFORM bump_data_version_now();
  SELECT d.version INTO version FROM data_state d;
  IF TG_OP = 'DELETE' THEN
    INSERT INTO changes (data_version, resource, kind)
      SELECT version, prefix || o.id, 2 FROM old_rows o;
  ELSIF TG_TABLE_NAME = 'responses' THEN
    INSERT INTO changes (data_version, resource, kind, body)
      SELECT version, prefix || d.id, 1, d.doc
      FROM response_docs d JOIN new_rows n ON n.id = d.id
      ORDER BY n.seq;
  ELSE
    INSERT INTO changes (data_version, resource, kind, body)
      SELECT version, prefix || d.id, 1, d.doc
      FROM stakeholder_docs d JOIN new_rows n ON n.id = d.id
      ORDER BY n.id;
  END IF;
  RETURN NULL;
END;
$$;

-- Three triggers a table, as a transition table belongs to one event.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['stakeholders', 'responses'] LOOP
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

-- The changes recorded before, as rows, become documents.
UPDATE changes c
SET body = CASE WHEN c.resource LIKE 'responses/%' THEN
    response_doc(jsonb_populate_record(NULL::responses, c.body),
                 (SELECT s.display_name FROM stakeholders s
                  WHERE s.id = c.body->>'stakeholder_id'))
  ELSE stakeholder_doc(jsonb_populate_record(NULL::stakeholders, c.body)) END
WHERE c.kind = 1;
