-- Changes up to $1 leave the log, which then starts after $1.
WITH cut AS (UPDATE data_state SET changes_after = $1 WHERE changes_after < $1 RETURNING changes_after)
DELETE FROM changes
WHERE data_version <= (SELECT changes_after FROM cut);
