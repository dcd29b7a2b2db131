INSERT INTO markets (id, display_name, aliases, kind, country_code, city, operator_id, revision, create_time, update_time, merged_ids)
SELECT x.id,
  x.display_name,
  ARRAY(SELECT json_array_elements_text(x.aliases)),
  x.kind,
  x.country_code,
  x.city,
  NULLIF(x.operator_id, ''),
  x.revision,
  (timestamptz 'epoch' + x.create_us * interval '1 microsecond'),
  (timestamptz 'epoch' + x.update_us * interval '1 microsecond'),
  ARRAY(SELECT json_array_elements_text(x.merged_ids))
FROM json_to_recordset($1::json) AS x(id text, display_name text, aliases json, kind smallint, country_code text, city text, operator_id text, revision bigint, create_us bigint, update_us bigint, merged_ids json)
ON CONFLICT (id)
DO UPDATE SET display_name = EXCLUDED.display_name,
  aliases = EXCLUDED.aliases,
  kind = EXCLUDED.kind,
  country_code = EXCLUDED.country_code,
  city = EXCLUDED.city,
  operator_id = EXCLUDED.operator_id,
  merged_ids = EXCLUDED.merged_ids,
  revision = EXCLUDED.revision,
  update_time = EXCLUDED.update_time;
