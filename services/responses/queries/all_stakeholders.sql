SELECT *
FROM stakeholder_rows
ORDER BY id;
