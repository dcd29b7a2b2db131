DELETE FROM listings l USING json_to_recordset($1::json) AS x(year integer, market_id text)
WHERE l.year = x.year AND l.market_id = x.market_id;
