DELETE FROM operators
WHERE id = $1;
