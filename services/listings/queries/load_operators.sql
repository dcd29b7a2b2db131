SELECT id,
  display_name,
  to_json(aliases)::text AS aliases,
  country_code,
  revision,
  (extract(epoch FROM create_time) * 1000000)::bigint AS create_us,
  (extract(epoch FROM update_time) * 1000000)::bigint AS update_us
FROM operators
ORDER BY id;
