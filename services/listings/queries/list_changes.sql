SELECT seq,
  data_version,
  resource,
  kind,
  body,
  doc::text AS doc
FROM changes
WHERE data_version > $1 AND data_version <= $2 AND seq > $3
ORDER BY seq
LIMIT $4;
