INSERT INTO changes (data_version, resource, kind, body)
SELECT $2,
  e.v->>'resource',
  (e.v->>'kind')::smallint,
  decode(e.v->>'body', 'base64')
FROM json_array_elements($1::json) WITH ORDINALITY AS e(v, n)
ORDER BY e.n;
