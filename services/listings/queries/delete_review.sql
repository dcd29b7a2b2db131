DELETE FROM reviews
WHERE year = $1;
