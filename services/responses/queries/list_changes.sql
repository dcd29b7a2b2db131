SELECT seq,
  data_version,
  resource,
  kind,
  body::text AS body
FROM changes
WHERE data_version > $1 AND data_version <= $2 AND seq > $3
ORDER BY seq
LIMIT $4;
