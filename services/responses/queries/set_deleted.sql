UPDATE responses
SET delete_time = CASE WHEN $2::boolean THEN now() ELSE NULL END,
  revision = revision + 1,
  update_time = now()
WHERE id = $1;
