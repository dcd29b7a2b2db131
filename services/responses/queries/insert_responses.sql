-- Rows in array order (WITH ORDINALITY), so `seq` follows it.
INSERT INTO responses (id, stakeholder_id, review_year, targets, stance, summary, quote, commitments, channel, stated_year, stated_month, stated_day, source_url)
SELECT x.id,
  x.stakeholder_id,
  x.review_year,
  ARRAY(SELECT json_array_elements_text(x.targets)),
  x.stance,
  x.summary,
  x.quote,
  ARRAY(SELECT json_array_elements_text(x.commitments)),
  x.channel,
  NULLIF(x.stated_year, 0),
  x.stated_month,
  x.stated_day,
  x.source_url
FROM json_array_elements($1::json) WITH ORDINALITY AS e(row, i),
  json_to_record(e.row) AS x(id text, stakeholder_id text, review_year integer, targets json, stance smallint, summary text, quote text, commitments json, channel smallint, stated_year integer, stated_month integer, stated_day integer, source_url text)
ORDER BY e.i;
