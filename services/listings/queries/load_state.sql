SELECT version,
  (extract(epoch FROM last_import_time) * 1000000)::bigint AS last_import_us
FROM data_state;
