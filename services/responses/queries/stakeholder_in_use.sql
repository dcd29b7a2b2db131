SELECT count(*) FILTER (WHERE delete_time IS NULL) AS live,
  count(*) AS all_responses
FROM responses
WHERE stakeholder_id = $1;
