SELECT *
FROM response_rows
WHERE id = ANY(ARRAY(SELECT json_array_elements_text($1::json)));
