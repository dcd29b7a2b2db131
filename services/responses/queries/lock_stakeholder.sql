SELECT *
FROM stakeholder_rows
WHERE id = $1
FOR UPDATE;
