-- Ids already taken by a base or its numbered variants ("base-2").
SELECT id
FROM stakeholders
WHERE regexp_replace(id, '-[0-9]+$', '') = ANY(ARRAY(SELECT json_array_elements_text($1::json))) OR id = ANY(ARRAY(SELECT json_array_elements_text($1::json)));
