DELETE FROM market_domains
WHERE market_id = ANY(ARRAY(SELECT json_array_elements_text($1::json)));
