DELETE FROM markets
WHERE id = $1;
