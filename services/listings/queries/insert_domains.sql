INSERT INTO market_domains (pattern, market_id, scope, position)
SELECT pattern,
  market_id,
  scope,
  position
FROM json_to_recordset($1::json) AS x(pattern text, market_id text, scope smallint, position integer);
