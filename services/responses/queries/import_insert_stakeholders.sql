INSERT INTO stakeholders (id, display_name, aliases, type, country_code)
SELECT x.id,
  x.display_name,
  ARRAY(SELECT json_array_elements_text(x.aliases)),
  x.type,
  ''
FROM json_to_recordset($1::json) AS x(id text, display_name text, aliases json, type smallint);
