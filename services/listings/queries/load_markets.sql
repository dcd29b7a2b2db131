SELECT id,
  display_name,
  to_json(aliases)::text AS aliases,
  kind,
  country_code,
  city,
  operator_id,
  revision,
  (extract(epoch FROM create_time) * 1000000)::bigint AS create_us,
  (extract(epoch FROM update_time) * 1000000)::bigint AS update_us,
  to_json(merged_ids)::text AS merged_ids
FROM markets
ORDER BY id;
