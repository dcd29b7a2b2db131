SELECT *
FROM stakeholder_rows
WHERE id = $1;
