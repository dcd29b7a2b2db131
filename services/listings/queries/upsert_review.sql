INSERT INTO reviews (year, title, published_on, declared_online_count, declared_physical_count, state, source_url, comment_docket_id, revision, create_time, update_time, online_complete_source_url, physical_complete_source_url)
VALUES ($1, $2, NULLIF($3, '')::date, $4, $5, $6, $7, $8, $9, (timestamptz 'epoch' + $10::bigint * interval '1 microsecond'), (timestamptz 'epoch' + $11::bigint * interval '1 microsecond'), $12, $13)
ON CONFLICT (year)
DO UPDATE SET title = EXCLUDED.title,
  online_complete_source_url = EXCLUDED.online_complete_source_url,
  physical_complete_source_url = EXCLUDED.physical_complete_source_url,
  published_on = EXCLUDED.published_on,
  declared_online_count = EXCLUDED.declared_online_count,
  declared_physical_count = EXCLUDED.declared_physical_count,
  state = EXCLUDED.state,
  source_url = EXCLUDED.source_url,
  comment_docket_id = EXCLUDED.comment_docket_id,
  revision = EXCLUDED.revision,
  update_time = EXCLUDED.update_time;
