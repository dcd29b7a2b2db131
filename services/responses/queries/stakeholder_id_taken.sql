SELECT 1
FROM stakeholders
WHERE id = $1;
