DELETE FROM stakeholders
WHERE id = $1;
