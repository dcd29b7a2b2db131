SELECT year,
  market_id,
  to_json(infringement_types)::text AS infringement_types,
  summary,
  source_url,
  reported_first_year,
  revision,
  (extract(epoch FROM create_time) * 1000000)::bigint AS create_us,
  (extract(epoch FROM update_time) * 1000000)::bigint AS update_us,
  confidence
FROM listings
ORDER BY year, market_id;
