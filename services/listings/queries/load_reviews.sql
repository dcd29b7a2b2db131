SELECT year,
  title,
  extract(year FROM published_on)::int AS published_year,
  extract(month FROM published_on)::int AS published_month,
  extract(day FROM published_on)::int AS published_day,
  declared_online_count,
  declared_physical_count,
  state,
  source_url,
  comment_docket_id,
  revision,
  (extract(epoch FROM create_time) * 1000000)::bigint AS create_us,
  (extract(epoch FROM update_time) * 1000000)::bigint AS update_us,
  online_complete_source_url,
  physical_complete_source_url
FROM reviews
ORDER BY year;
