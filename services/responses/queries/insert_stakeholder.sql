INSERT INTO stakeholders (id, display_name, aliases, type, country_code)
VALUES ($1, $2, ARRAY(SELECT json_array_elements_text($3::json)), $4, $5);
