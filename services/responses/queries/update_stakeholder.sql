UPDATE stakeholders
SET display_name = $2,
  aliases = ARRAY(SELECT json_array_elements_text($3::json)),
  type = $4,
  country_code = $5,
  revision = revision + 1,
  update_time = now()
WHERE id = $1;
