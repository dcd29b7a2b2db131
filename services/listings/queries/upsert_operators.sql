INSERT INTO operators (id, display_name, aliases, country_code, revision, create_time, update_time)
SELECT x.id,
  x.display_name,
  ARRAY(SELECT json_array_elements_text(x.aliases)),
  x.country_code,
  x.revision,
  (timestamptz 'epoch' + x.create_us * interval '1 microsecond'),
  (timestamptz 'epoch' + x.update_us * interval '1 microsecond')
FROM json_to_recordset($1::json) AS x(id text, display_name text, aliases json, country_code text, revision bigint, create_us bigint, update_us bigint)
ON CONFLICT (id)
DO UPDATE SET display_name = EXCLUDED.display_name,
  aliases = EXCLUDED.aliases,
  country_code = EXCLUDED.country_code,
  revision = EXCLUDED.revision,
  update_time = EXCLUDED.update_time;
