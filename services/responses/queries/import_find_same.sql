-- The live response each row repeats, if any.
SELECT DISTINCT ON (x.i) x.i,
  r.id
FROM json_to_recordset($1::json) AS x(i integer, stakeholder_id text, review_year integer, summary text, source_url text)
JOIN responses r ON r.stakeholder_id = x.stakeholder_id AND r.review_year = x.review_year AND r.summary = x.summary AND r.source_url = x.source_url AND r.delete_time IS NULL
ORDER BY x.i, r.seq;
