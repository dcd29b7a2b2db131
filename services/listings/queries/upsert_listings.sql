INSERT INTO listings (year, market_id, infringement_types, summary, source_url, reported_first_year, confidence, revision, create_time, update_time)
SELECT x.year,
  x.market_id,
  ARRAY(SELECT json_array_elements_text(x.infringement_types)::smallint),
  x.summary,
  x.source_url,
  x.reported_first_year,
  x.confidence,
  x.revision,
  (timestamptz 'epoch' + x.create_us * interval '1 microsecond'),
  (timestamptz 'epoch' + x.update_us * interval '1 microsecond')
FROM json_to_recordset($1::json) AS x(year integer, market_id text, infringement_types json, summary text, source_url text, reported_first_year integer, confidence smallint, revision bigint, create_us bigint, update_us bigint)
ON CONFLICT (year, market_id)
DO UPDATE SET infringement_types = EXCLUDED.infringement_types,
  summary = EXCLUDED.summary,
  source_url = EXCLUDED.source_url,
  reported_first_year = EXCLUDED.reported_first_year,
  confidence = EXCLUDED.confidence,
  revision = EXCLUDED.revision,
  update_time = EXCLUDED.update_time;
