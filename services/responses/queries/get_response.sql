SELECT *
FROM response_rows
WHERE id = $1;
