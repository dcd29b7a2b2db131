UPDATE responses
SET stakeholder_id = $2,
  review_year = $3,
  targets = ARRAY(SELECT json_array_elements_text($4::json)),
  stance = $5,
  summary = $6,
  quote = $7,
  commitments = ARRAY(SELECT json_array_elements_text($8::json)),
  channel = $9,
  stated_year = NULLIF($10::int, 0),
  stated_month = $11,
  stated_day = $12,
  source_url = $13,
  revision = revision + 1,
  update_time = now()
WHERE id = $1;
